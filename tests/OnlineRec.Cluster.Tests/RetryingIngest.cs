using System.Collections.Concurrent;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Sdk;

namespace OnlineRec.Cluster.Tests;

/// <summary>A client batch with its idempotency key; every retry sends the same key.</summary>
public sealed record ClientBatch(int Index, string Key, RatingEvent[] Ratings);

/// <summary>What happened to one batch: its acknowledgement (if any) and every failed attempt.</summary>
public sealed class BatchOutcome(ClientBatch batch)
{
    public ClientBatch Batch { get; } = batch;
    public IngestResult? Ack { get; set; }
    public List<string> Failures { get; } = [];
    public int Attempts { get; set; }
}

/// <summary>How the ingest stream retries: bounded attempts, exponential back-off, a deadline per attempt.</summary>
public sealed record RetryPolicy(int MaxAttempts = 15, TimeSpan? FirstBackoff = null, TimeSpan? MaxBackoff = null, TimeSpan? AttemptTimeout = null)
{
    public TimeSpan Backoff(int failedAttempts)
    {
        var first = FirstBackoff ?? TimeSpan.FromMilliseconds(250);
        var max = MaxBackoff ?? TimeSpan.FromSeconds(8);
        return TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks << Math.Min(failedAttempts - 1, 10)));
    }

    /// <summary>Longer than Orleans' 30 s response timeout, so the client's own timeout normally reports first.</summary>
    public TimeSpan Timeout => AttemptTimeout ?? TimeSpan.FromSeconds(75);
}

/// <summary>
/// Streams batches through <see cref="OnlineRecClient.IngestAsync"/> with several in flight, like a well-behaved
/// producer: a batch whose call throws (silo died, connection lost, timeout) is counted as a failure and sent again
/// with the same idempotency key until it is acknowledged or the attempts run out. <paramref name="gate"/> runs before
/// a batch is first sent (the kill test holds the tail of the stream back until the silo is dead).
/// </summary>
public sealed class RetryingIngest(OnlineRecClient client, RetryPolicy policy, int inFlight, Func<ClientBatch, Task>? gate = null)
{
    private long _acknowledgedRatings;

    public long AcknowledgedRatings => Interlocked.Read(ref _acknowledgedRatings);

    public static ClientBatch[] Batches(IReadOnlyList<RatingEvent> ratings, int batchSize, string keyPrefix)
    {
        var batches = new List<ClientBatch>();
        for (int start = 0, index = 0; start < ratings.Count; start += batchSize, index++)
        {
            var slice = ratings.Skip(start).Take(batchSize).ToArray();
            batches.Add(new ClientBatch(index, $"{keyPrefix}-{index:D5}", slice));
        }
        return batches.ToArray();
    }

    public async Task<BatchOutcome[]> RunAsync(IReadOnlyList<ClientBatch> batches, CancellationToken cancellationToken)
    {
        var outcomes = batches.Select(b => new BatchOutcome(b)).ToArray();
        var queue = new ConcurrentQueue<BatchOutcome>(outcomes);
        var workers = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var outcome)) await SendUntilAcknowledgedAsync(outcome, cancellationToken);
        }, cancellationToken));
        await Task.WhenAll(workers);
        return outcomes;
    }

    private async Task SendUntilAcknowledgedAsync(BatchOutcome outcome, CancellationToken cancellationToken)
    {
        if (gate is not null) await gate(outcome.Batch);
        var inputs = outcome.Batch.Ratings.Select(r => new RatingInput(r.User, r.Item, r.Value, r.Timestamp)).ToArray();
        while (outcome.Attempts < policy.MaxAttempts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outcome.Attempts++;
            try
            {
                var ack = await client.IngestAsync(inputs, outcome.Batch.Key).WaitAsync(policy.Timeout, cancellationToken);
                outcome.Ack = ack;
                Interlocked.Add(ref _acknowledgedRatings, ack.Accepted);
                return;
            }
            catch (RatingsRejectedException)
            {
                throw; // the data is valid: a rejection is a bug, not a failure to retry
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lock (outcome.Failures) outcome.Failures.Add($"{ex.GetType().Name}: {FirstLine(ex.Message)}");
                await Task.Delay(policy.Backoff(outcome.Failures.Count), cancellationToken);
            }
        }
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n');
        var line = newline < 0 ? message : message[..newline];
        return line.Length > 160 ? line[..160] : line;
    }
}
