using System.Net;
using OnlineRec.Client.Http;
using OnlineRec.Client.Ingestion;
using OnlineRec.Core.Model;

namespace OnlineRec.Client.Tests;

public sealed class BatchPipelineTests
{
    private static readonly RetryPolicy FastRetry = new() { Retries = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) };

    private static RatingEvent[] Events(int count) =>
        Enumerable.Range(1, count).Select(i => new RatingEvent($"u{i}", $"i{i % 5}", i % 5 + 1, i)).ToArray();

    /// <summary>A sink that stores each key once, like the server's log, and can fail chosen attempts.</summary>
    private sealed class ScriptedSink(Func<OutgoingBatch, int, Exception?> failure) : IRatingSink
    {
        private readonly Dictionary<string, BatchAck> _stored = [];
        private readonly Dictionary<string, int> _attempts = [];
        private long _sequence;
        private int _inFlight;

        public int MaxInFlight { get; private set; }
        public List<string> AttemptKeys { get; } = [];
        public long StoredRatings => _stored.Values.Sum(a => (long)a.Accepted);

        public async Task<BatchAck> SendAsync(OutgoingBatch batch, CancellationToken cancellationToken)
        {
            int attempt;
            lock (this)
            {
                AttemptKeys.Add(batch.IdempotencyKey);
                attempt = _attempts[batch.IdempotencyKey] = _attempts.GetValueOrDefault(batch.IdempotencyKey) + 1;
                MaxInFlight = Math.Max(MaxInFlight, ++_inFlight);
            }
            await Task.Delay(2, cancellationToken);
            lock (this)
            {
                _inFlight--;
                // Failing after storing: the answer was lost, the retry must not store twice.
                if (!_stored.TryGetValue(batch.IdempotencyKey, out var ack))
                {
                    _sequence += batch.Count;
                    _stored[batch.IdempotencyKey] = new BatchAck(batch.Count, _sequence - batch.Count + 1, _sequence, false);
                    ack = null;
                }
                if (failure(batch, attempt) is { } error) throw error;
                return ack is null ? _stored[batch.IdempotencyKey] : ack with { Duplicate = true };
            }
        }
    }

    [Fact]
    public async Task Lost_answers_are_retried_and_every_batch_is_stored_once()
    {
        var sink = new ScriptedSink((batch, attempt) => batch.Index % 2 == 0 && attempt == 1 ? new HttpRequestException("connection reset") : null);
        var pipeline = new BatchPipeline(sink, new PipelineOptions { Parallelism = 3, Retry = FastRetry });

        var result = await pipeline.RunAsync(GeneratedBatches.From(Events(100), 10, "test"));

        Assert.True(result.Succeeded);
        Assert.Equal(100, sink.StoredRatings);
        Assert.Equal(10, result.Batches);
        Assert.Equal(5, result.RetriedAttempts);
        Assert.Equal(50, result.DuplicateRatings); // the retries found their batch already stored
        Assert.Equal(100, result.LastSequence);
        Assert.All(sink.AttemptKeys.GroupBy(k => k), g => Assert.InRange(g.Count(), 1, 2));
    }

    [Fact]
    public async Task No_more_than_the_given_number_of_batches_is_in_flight()
    {
        var sink = new ScriptedSink((_, _) => null);
        var pipeline = new BatchPipeline(sink, new PipelineOptions { Parallelism = 2, Retry = FastRetry });

        await pipeline.RunAsync(GeneratedBatches.From(Events(60), 5, "test"));

        Assert.InRange(sink.MaxInFlight, 1, 2);
    }

    [Fact]
    public async Task A_refused_batch_stops_the_run_without_retrying_it()
    {
        var refusal = new ApiProblemException(HttpStatusCode.BadRequest, "Invalid rating batch", "ratings[0]: bad");
        var sink = new ScriptedSink((batch, _) => batch.Index == 3 ? refusal : null);
        var pipeline = new BatchPipeline(sink, new PipelineOptions { Parallelism = 1, Retry = FastRetry });

        var result = await pipeline.RunAsync(GeneratedBatches.From(Events(100), 10, "test"));

        Assert.False(result.Succeeded);
        Assert.Same(refusal, result.SendFailure!.Error);
        Assert.Equal(3, result.SendFailure.Batch.Index);
        Assert.Equal(1, sink.AttemptKeys.Count(k => k == result.SendFailure.Batch.IdempotencyKey));
        Assert.Equal(4, sink.AttemptKeys.Count); // nothing read or sent after the refusal (one batch in flight)
    }

    [Fact]
    public async Task Transient_failures_beyond_the_retry_budget_fail_the_batch()
    {
        var sink = new ScriptedSink((_, _) => new HttpRequestException("boom", null, HttpStatusCode.InternalServerError));
        var pipeline = new BatchPipeline(sink, new PipelineOptions { Parallelism = 1, Retry = FastRetry });

        var result = await pipeline.RunAsync(GeneratedBatches.From(Events(10), 10, "test"));

        Assert.NotNull(result.SendFailure);
        Assert.Equal(1 + FastRetry.Retries, sink.AttemptKeys.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.NotFound, false)]
    public void Status_codes_are_classified(HttpStatusCode status, bool transient)
    {
        Assert.Equal(transient, RetryPolicy.IsTransient(new HttpRequestException("x", null, status), CancellationToken.None));
    }

    [Fact]
    public void Timeouts_are_transient_but_the_callers_cancellation_is_not()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.True(RetryPolicy.IsTransient(new TaskCanceledException("timeout", new TimeoutException()), CancellationToken.None));
        Assert.False(RetryPolicy.IsTransient(new TaskCanceledException(), cancelled.Token));
        Assert.False(RetryPolicy.IsTransient(new ApiProblemException(HttpStatusCode.BadRequest, "t", "d"), CancellationToken.None));
    }

    [Fact]
    public void The_dotnet_clients_transient_failures_are_retried_and_its_refusals_are_not()
    {
        Assert.True(RetryPolicy.IsTransient(new Orleans.Runtime.SiloUnavailableException(), CancellationToken.None));
        Assert.True(RetryPolicy.IsTransient(new OnlineRec.Sdk.GatewayConnectionLostException("closed"), CancellationToken.None));
        Assert.False(RetryPolicy.IsTransient(new OnlineRec.Sdk.RatingsRejectedException([]), CancellationToken.None));
        Assert.False(RetryPolicy.IsTransient(new InvalidOperationException("grain code"), CancellationToken.None));
    }
}
