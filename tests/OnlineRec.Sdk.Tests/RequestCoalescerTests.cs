using System.Diagnostics.Metrics;
using OnlineRec.Sdk;

namespace OnlineRec.Sdk.Tests;

public sealed class RequestCoalescerTests
{
    /// <summary>A batch sender whose calls stay open until the test releases them, recording every batch it saw.</summary>
    private sealed class GatedSender
    {
        private readonly List<(int[] Batch, TaskCompletionSource Gate)> _calls = [];

        public Func<int, BatchAnswer<string>> Answer { get; init; } = i => new($"answer-{i}", null);

        public IReadOnlyList<int[]> Batches
        {
            get { lock (_calls) return _calls.Select(c => c.Batch).ToArray(); }
        }

        public async Task<BatchAnswer<string>[]> SendAsync(int[] batch)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_calls) _calls.Add((batch, gate));
            await gate.Task;
            return batch.Select(Answer).ToArray();
        }

        public void Release(int call) { lock (_calls) _calls[call].Gate.SetResult(); }

        public void ReleaseAll() { lock (_calls) foreach (var call in _calls) call.Gate.TrySetResult(); }

        public void Fail(int call, Exception error) { lock (_calls) _calls[call].Gate.SetException(error); }
    }

    /// <summary>A sender that answers every request, asynchronously (never before the call returns).</summary>
    private static async Task<BatchAnswer<string>[]> AnswerAfterYield(int[] batch)
    {
        await Task.Yield();
        return batch.Select(i => new BatchAnswer<string>($"answer-{i}", null)).ToArray();
    }

    // The stalled-pass watchdog is off the table here (its own test sets a short timeout): on a loaded machine a resume
    // pass can outlast the 20 ms default and split a batch these tests assert whole.
    private static CoalescingOptions OneInFlight => new() { MaxBatchesInFlight = 1, MaxBatchSize = 100, StalledResumeTimeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_lone_request_leaves_at_once_as_a_batch_of_one()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);

        var answer = coalescer.Enqueue(7).AsTask();

        // Sent before Enqueue returned: no timer, no waiting for company.
        Assert.Equal([[7]], sender.Batches);
        sender.Release(0);
        Assert.Equal("answer-7", await answer);
    }

    [Fact]
    public async Task Requests_arriving_while_a_batch_is_in_flight_share_the_next_call_and_each_gets_its_own_answer()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);

        var first = coalescer.Enqueue(0).AsTask();
        var waiting = Enumerable.Range(1, 50).Select(i => coalescer.Enqueue(i).AsTask()).ToArray();
        Assert.Single(sender.Batches); // the slot is taken: the 50 queue

        sender.Release(0);
        await first;
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 2, what: "the second batch");
        Assert.Equal(Enumerable.Range(1, 50), sender.Batches[1]); // one call, in arrival order
        sender.Release(1);

        var answers = await Task.WhenAll(waiting);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"answer-{i}"), answers);
    }

    [Fact]
    public async Task Batches_never_exceed_the_maximum_size_nor_the_slots_in_flight()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, new CoalescingOptions { MaxBatchesInFlight = 2, MaxBatchSize = 4 });

        var calls = Enumerable.Range(0, 11).Select(i => coalescer.Enqueue(i).AsTask()).ToArray();
        Assert.Equal([[0], [1]], sender.Batches); // two slots, both taken by the first two arrivals
        var all = Task.WhenAll(calls);
        while (!all.IsCompleted)
        {
            sender.ReleaseAll();
            await Task.Delay(10);
        }

        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"answer-{i}"), await all);
        Assert.All(sender.Batches, b => Assert.InRange(b.Length, 1, 4));
        Assert.All(sender.Batches, b => Assert.Equal(b.Order(), b)); // arrival order within a batch
        // Every request sent exactly once (two batches drained concurrently may be recorded in either order).
        Assert.Equal(Enumerable.Range(0, 11), sender.Batches.SelectMany(b => b).Order());
    }

    [Fact]
    public async Task An_error_for_one_request_reaches_only_that_caller()
    {
        var sender = new GatedSender { Answer = i => i == 3 ? BatchAnswer<string>.Failed(new InvalidOperationException("bad 3")) : new($"answer-{i}", null) };
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);

        var blocker = coalescer.Enqueue(0).AsTask();
        var calls = Enumerable.Range(1, 5).Select(i => coalescer.Enqueue(i).AsTask()).ToArray();
        sender.Release(0);
        await blocker;
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 2, what: "the second batch");
        sender.Release(1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => calls[2]);
        Assert.Equal("bad 3", error.Message);
        foreach (var i in new[] { 0, 1, 3, 4 }) Assert.Equal($"answer-{i + 1}", await calls[i]);
    }

    [Fact]
    public async Task A_failed_call_fails_its_own_batch_only_and_the_next_batch_still_goes()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);

        var doomed = coalescer.Enqueue(0).AsTask();
        var later = coalescer.Enqueue(1).AsTask();
        sender.Fail(0, new TimeoutException("gateway gone"));

        await Assert.ThrowsAsync<TimeoutException>(() => doomed);
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 2, what: "the next batch");
        sender.Release(1);
        Assert.Equal("answer-1", await later);
    }

    [Fact]
    public async Task A_wrong_number_of_answers_fails_every_caller_of_that_batch()
    {
        var coalescer = new RequestCoalescer<int, string>(_ => Task.FromResult(Array.Empty<BatchAnswer<string>>()), OneInFlight);
        await Assert.ThrowsAsync<InvalidOperationException>(() => coalescer.Enqueue(1).AsTask());
    }

    [Fact]
    public async Task An_already_cancelled_request_is_not_queued()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => coalescer.Enqueue(1, new CancellationToken(canceled: true)).AsTask());
        Assert.Empty(sender.Batches);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_is_never_sent_and_one_cancelled_in_flight_stops_waiting()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);
        using var inFlight = new CancellationTokenSource();
        using var queued = new CancellationTokenSource();

        var first = coalescer.Enqueue(0, inFlight.Token).AsTask();
        var dropped = coalescer.Enqueue(1, queued.Token).AsTask();
        var kept = coalescer.Enqueue(2).AsTask();

        queued.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
        inFlight.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first); // before its batch answered

        sender.Release(0);
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 2, what: "the next batch");
        Assert.Equal([2], sender.Batches[1]); // the cancelled request was left out
        sender.Release(1);
        Assert.Equal("answer-2", await kept);
    }

    [Fact]
    public async Task Pooled_requests_keep_every_answer_with_its_own_caller_over_many_rounds()
    {
        var coalescer = new RequestCoalescer<int, string>(
            AnswerAfterYield,
            new CoalescingOptions { MaxBatchesInFlight = 2, MaxBatchSize = 16 });

        // 8 callers × 300 sequential requests: request objects are recycled thousands of times.
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var r = 0; r < 300; r++)
            {
                var request = c * 1000 + r;
                Assert.Equal($"answer-{request}", await coalescer.Enqueue(request));
            }
        }));
        await Task.WhenAll(callers);
    }

    [Fact]
    public async Task A_request_cancelled_in_flight_is_not_reused_while_its_batch_can_still_answer_it()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);
        for (var i = 0; i < 3; i++) // fill the pool
        {
            var warm = coalescer.Enqueue(100 + i).AsTask();
            // The lane frees once the previous pass resumed its caller, which may be just after that caller's await.
            await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == i + 1, what: "the warm-up batch");
            sender.Release(i);
            await warm;
        }
        using var cancel = new CancellationTokenSource();
        var cancelled = coalescer.Enqueue(1, cancel.Token).AsTask();
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 4, what: "the cancelled request's batch");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        var next = Enumerable.Range(2, 5).Select(i => coalescer.Enqueue(i).AsTask()).ToArray(); // queued behind it
        sender.Release(3); // the cancelled request's batch answers now: nobody else may receive "answer-1"
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 5, what: "the next batch");
        sender.Release(4);
        Assert.Equal(Enumerable.Range(2, 5).Select(i => $"answer-{i}"), await Task.WhenAll(next));
    }

    [Fact]
    public async Task A_continuation_that_throws_does_not_strand_the_callers_after_it()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);
        var blocker = coalescer.Enqueue(0).AsTask();
        var throwing = coalescer.Enqueue(1);
        var after = coalescer.Enqueue(2).AsTask();
        throwing.GetAwaiter().OnCompleted(() => throw new InvalidOperationException("caller bug"));

        sender.Release(0);
        await blocker;
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 2, what: "the second batch");
        sender.Release(1);

        Assert.Equal("answer-2", await after.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Callers_resumed_from_one_batch_send_their_next_requests_together_as_that_lanes_next_batch()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight);
        var blocker = coalescer.Enqueue(0).AsTask();

        // Each caller asks again as soon as it is answered (no context to post back to: it resumes inside the pass).
        async Task<string> AskTwice(int first)
        {
            await coalescer.Enqueue(first).ConfigureAwait(false);
            return await coalescer.Enqueue(first + 10).ConfigureAwait(false);
        }
        var callers = new[] { AskTwice(1), AskTwice(2), AskTwice(3) };
        sender.Release(0);
        await blocker;
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 2, what: "the callers' first batch");
        Assert.Equal([1, 2, 3], sender.Batches[1]);

        sender.Release(1);
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 3, what: "the callers' second batch");
        // One batch: the first caller to resume did not leave alone with the others' requests piling up behind it.
        Assert.Equal([11, 12, 13], sender.Batches[2]);
        sender.Release(2);
        Assert.Equal(["answer-11", "answer-12", "answer-13"], await Task.WhenAll(callers));
    }

    [Fact]
    public async Task A_caller_blocking_in_its_continuation_on_a_new_request_is_still_answered()
    {
        var coalescer = new RequestCoalescer<int, string>(
            AnswerAfterYield,
            new CoalescingOptions { MaxBatchesInFlight = 1, MaxBatchSize = 100, StalledResumeTimeout = TimeSpan.FromMilliseconds(50) });

        // Sync-over-async inside the resume pass: the lane cannot send the new request until this returns.
        async Task<string> AskThenBlock()
        {
            await coalescer.Enqueue(1).ConfigureAwait(false);
            return coalescer.Enqueue(2).AsTask().Result;
        }

        Assert.Equal("answer-2", await AskThenBlock().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Requests_queued_while_every_lane_is_busy_are_spread_evenly_over_the_lanes()
    {
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, new CoalescingOptions { MaxBatchesInFlight = 2, MaxBatchSize = 100 });
        var first = new[] { coalescer.Enqueue(0).AsTask(), coalescer.Enqueue(1).AsTask() };
        Assert.Equal([[0], [1]], sender.Batches); // idle lanes first

        var queued = Enumerable.Range(2, 40).Select(i => coalescer.Enqueue(i).AsTask()).ToArray();
        sender.ReleaseAll();
        await Task.WhenAll(first);
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 4, what: "each lane's next batch");
        Assert.Equal([20, 20], sender.Batches.Skip(2).Select(b => b.Length));
        sender.ReleaseAll();
        Assert.Equal(Enumerable.Range(2, 40).Select(i => $"answer-{i}"), await Task.WhenAll(queued));
    }

    [Fact]
    public async Task Every_batch_is_measured_with_its_size_round_trip_and_resume_pass_tagged_with_the_operation()
    {
        var operation = "test-" + Guid.NewGuid().ToString("N"); // the meter is process-wide: other tests' batches carry other tags
        var seen = new List<(string Instrument, double Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == ClientMetrics.MeterName) l.EnableMeasurementEvents(instrument); },
        };
        void Collect<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
        {
            foreach (var tag in tags)
                if (tag.Key == OnlineRec.Abstractions.ReadOperations.Tag && tag.Value as string == operation)
                    lock (seen) seen.Add((instrument.Name, Convert.ToDouble(value)));
        }
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Collect(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Collect(i, v, t));
        listener.Start();
        var sender = new GatedSender();
        var coalescer = new RequestCoalescer<int, string>(sender.SendAsync, OneInFlight, operation);

        var first = coalescer.Enqueue(0).AsTask();
        var queued = new[] { coalescer.Enqueue(1).AsTask(), coalescer.Enqueue(2).AsTask() };
        await Task.Delay(20); // the first batch is out for at least this long
        sender.Release(0);
        await first;
        await Eventually.Until(() => Task.FromResult(sender.Batches.Count), n => n == 2, what: "the second batch");
        sender.Release(1);
        await Task.WhenAll(queued);
        // A pass is measured once its last caller resumed, which may be just after that caller's await returned here.
        await Eventually.Until(() => { lock (seen) return Task.FromResult(seen.Count(m => m.Instrument == ClientMetrics.BatchResumeName)); },
            n => n == 2, what: "the second resume pass's measurement");

        lock (seen)
        {
            Assert.Equal([1.0, 2.0], seen.Where(m => m.Instrument == ClientMetrics.BatchSizeName).Select(m => m.Value));
            var roundTrips = seen.Where(m => m.Instrument == ClientMetrics.BatchRoundTripName).Select(m => m.Value).ToArray();
            Assert.Equal(2, roundTrips.Length);
            Assert.True(roundTrips[0] >= 15, $"the first batch waited ≥ 20 ms for its answer, measured {roundTrips[0]} ms");
            Assert.All(seen.Where(m => m.Instrument == ClientMetrics.BatchResumeName), m => Assert.True(m.Value >= 0));
        }
    }
}
