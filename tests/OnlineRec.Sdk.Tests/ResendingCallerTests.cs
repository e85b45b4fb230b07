using System.Diagnostics.Metrics;
using OnlineRec.Abstractions;
using OnlineRec.Sdk;
using Orleans.Runtime;

namespace OnlineRec.Sdk.Tests;

/// <summary>The typed client's resends: which failures are sent again, how often, and what a closed gateway connection does.</summary>
public sealed class ResendingCallerTests
{
    private static readonly ClientResilienceOptions Quick = new()
    {
        IngestAttempts = 3,
        ReadAttempts = 2,
        FirstBackoff = TimeSpan.FromMilliseconds(1),
        MaxBackoff = TimeSpan.FromMilliseconds(2),
    };

    [Fact]
    public void A_closing_gateway_connection_cancels_the_token_handed_out_before_it_and_not_the_next()
    {
        var watch = new GatewayConnectionWatch();
        var before = watch.Current;
        watch.NotifyGatewayCountChanged(2, 1, connectionRecovered: false); // a gateway opened: nothing to end
        Assert.False(before.IsCancellationRequested);

        watch.NotifyGatewayCountChanged(1, 2, connectionRecovered: false);
        var after = watch.Current;

        Assert.True(before.WaitHandle.WaitOne(TimeSpan.FromSeconds(10)), "the earlier token should be cancelled");
        Assert.False(after.IsCancellationRequested);
        Assert.Equal(1, watch.Losses);
    }

    [Fact]
    public async Task An_attempt_outstanding_when_its_gateway_connection_closes_ends_at_once_and_is_sent_again()
    {
        var watch = new GatewayConnectionWatch();
        var caller = new ResendingCaller(watch, Quick);
        var tokens = new List<CancellationToken>();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var call = caller.CallAsync(async token =>
        {
            tokens.Add(token);
            if (tokens.Count == 1)
            {
                firstStarted.SetResult();
                await Task.Delay(Timeout.Infinite, token); // like an Orleans call whose gateway died: no answer comes
            }
            return "answered";
        }, attempts: 3, operation: "test");
        await firstStarted.Task;
        watch.SignalLoss();

        Assert.Equal("answered", await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, tokens.Count);
        Assert.True(tokens[0].IsCancellationRequested);
        Assert.False(tokens[1].IsCancellationRequested);
    }

    [Fact]
    public async Task When_every_attempt_loses_its_gateway_the_caller_gets_a_gateway_connection_lost_error()
    {
        var watch = new GatewayConnectionWatch();
        var caller = new ResendingCaller(watch, Quick);
        var attempts = 0;

        var error = await Assert.ThrowsAsync<GatewayConnectionLostException>(() => caller.CallAsync<int>(async token =>
        {
            attempts++;
            watch.SignalLoss();
            await Task.Delay(Timeout.Infinite, token);
            return 0;
        }, attempts: 2, operation: "test").WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(2, attempts);
        Assert.IsAssignableFrom<OperationCanceledException>(error.InnerException);
    }

    [Fact]
    public async Task Failures_that_may_pass_are_sent_again_up_to_the_attempt_limit_and_the_last_one_is_thrown()
    {
        var caller = new ResendingCaller(gateways: null, Quick);
        var attempts = 0;

        await Assert.ThrowsAsync<SiloUnavailableException>(() => caller.CallAsync<int>(_ =>
        {
            attempts++;
            return Task.FromException<int>(attempts == 1 ? new TimeoutException("response timeout") : new SiloUnavailableException("dead"));
        }, attempts: 3, operation: "test"));

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_failure_resending_cannot_help_is_thrown_after_one_attempt()
    {
        var caller = new ResendingCaller(new GatewayConnectionWatch(), Quick);
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => caller.CallAsync<int>(_ =>
        {
            attempts++;
            return Task.FromException<int>(new InvalidOperationException("grain code failed"));
        }, attempts: 3, operation: "test"));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_caller_that_cancels_is_not_sent_again()
    {
        var caller = new ResendingCaller(new GatewayConnectionWatch(), Quick);
        using var cancel = new CancellationTokenSource();
        var attempts = 0;

        var call = caller.CallAsync<int>(async token =>
        {
            attempts++;
            await Task.Delay(Timeout.Infinite, token);
            return 0;
        }, attempts: 3, operation: "test", cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Each_resend_is_counted_with_its_operation_and_reason()
    {
        var operation = "test-" + Guid.NewGuid().ToString("N"); // the meter is process-wide
        var seen = new List<string?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Name == ClientMetrics.ResendsName) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? op = null, reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == ReadOperations.Tag) op = tag.Value as string;
                if (tag.Key == ClientMetrics.ReasonTag) reason = tag.Value as string;
            }
            if (op == operation) lock (seen) seen.Add(reason);
        });
        listener.Start();
        var caller = new ResendingCaller(gateways: null, Quick);
        var attempts = 0;

        var answer = await caller.CallAsync(_ => ++attempts switch
        {
            1 => Task.FromException<string>(new SiloUnavailableException("dead")),
            2 => Task.FromException<string>(new TimeoutException("late")),
            _ => Task.FromResult("ok"),
        }, attempts: 3, operation: operation);

        Assert.Equal("ok", answer);
        lock (seen) Assert.Equal([TransientCallFailures.SiloUnavailable, TransientCallFailures.Timeout], seen);
    }

    [Fact]
    public void Only_failures_that_may_pass_are_classified_as_worth_resending()
    {
        using var lost = new CancellationTokenSource();
        lost.Cancel();
        using var callerGaveUp = new CancellationTokenSource();
        callerGaveUp.Cancel();

        Assert.Equal(TransientCallFailures.GatewayLost, TransientCallFailures.Classify(new OperationCanceledException(), lost.Token, default));
        Assert.Null(TransientCallFailures.Classify(new OperationCanceledException(), default, default)); // nobody's gateway closed
        Assert.Null(TransientCallFailures.Classify(new OperationCanceledException(), lost.Token, callerGaveUp.Token));
        Assert.Equal(TransientCallFailures.SiloUnavailable, TransientCallFailures.Classify(new SiloUnavailableException(), default, default));
        Assert.Equal(TransientCallFailures.Timeout, TransientCallFailures.Classify(new TimeoutException(), default, default));
        Assert.Null(TransientCallFailures.Classify(new ArgumentException("bad query"), default, default));
        Assert.Null(TransientCallFailures.Classify(new RatingsRejectedException([]), default, default));
    }

    [Fact]
    public void Resilience_options_are_checked_and_backoff_doubles_up_to_its_cap()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientResilienceOptions { IngestAttempts = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientResilienceOptions { MaxBackoff = TimeSpan.Zero }.Validate());
        var options = new ClientResilienceOptions { FirstBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(300) };
        Assert.InRange(options.BackoffBefore(1).TotalMilliseconds, 75, 125);
        Assert.InRange(options.BackoffBefore(2).TotalMilliseconds, 150, 250);
        Assert.InRange(options.BackoffBefore(5).TotalMilliseconds, 225, 375);
    }
}
