using System.Diagnostics;
using OnlineRec.Client.Http;
using OnlineRec.Lab.Data;

namespace OnlineRec.Client.Ingestion;

/// <summary>How batches are sent: how many at once and how failed attempts are retried.</summary>
public sealed record PipelineOptions
{
    /// <summary>Batches in flight at once.</summary>
    public int Parallelism { get; init; } = 4;

    public RetryPolicy Retry { get; init; } = new();
}

/// <summary>What a pipeline run achieved, and why it stopped early if it did.</summary>
public sealed record PipelineResult
{
    public long Batches { get; init; }
    public long Ratings { get; init; }

    /// <summary>Ratings in batches the server had already stored under the same key (a re-run or a retried batch).</summary>
    public long DuplicateRatings { get; init; }

    /// <summary>Ratings stored by this run.</summary>
    public long NewRatings => Ratings - DuplicateRatings;

    public long LastSequence { get; init; }
    public long RetriedAttempts { get; init; }
    public TimeSpan Elapsed { get; init; }

    /// <summary>A bad line in the input; the batch holding it (and everything after) was not sent.</summary>
    public DataFormatException? ReadError { get; init; }

    /// <summary>A batch that failed for good (refused by the server, or out of retries).</summary>
    public BatchFailure? SendFailure { get; init; }

    public bool Succeeded => ReadError is null && SendFailure is null;

    public double RatingsPerSecond => Elapsed > TimeSpan.Zero ? Ratings / Elapsed.TotalSeconds : 0;

    /// <summary>Line of the input up to which every batch is stored (0 if none or not a file).</summary>
    public long StoredThroughLine { get; init; }
}

public sealed record BatchFailure(OutgoingBatch Batch, Exception Error);

/// <summary>
/// Sends a stream of batches with a bounded number in flight. Each batch is retried on transient failures under its
/// own idempotency key. The first permanent failure — or a bad line from the reader — stops reading; batches already
/// in flight finish, so the result says exactly what was stored.
/// </summary>
public sealed class BatchPipeline(IRatingSink sink, PipelineOptions options)
{
    /// <param name="onAck">Called (possibly concurrently) once per stored batch.</param>
    public async Task<PipelineResult> RunAsync(IAsyncEnumerable<OutgoingBatch> batches, Action<OutgoingBatch, BatchAck>? onAck = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallelism, 1, nameof(options.Parallelism));
        var state = new RunState();
        var watch = Stopwatch.StartNew();
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(options.Parallelism);
        var inFlight = new List<Task>();
        DataFormatException? readError = null;

        try
        {
            await foreach (var batch in batches.WithCancellation(stopReading.Token))
            {
                await slots.WaitAsync(stopReading.Token);
                if (state.Failure is not null) break;
                inFlight.Add(SendOneAsync(batch, state, slots, stopReading, onAck, cancellationToken));
                if (inFlight.Count >= 4 * options.Parallelism) inFlight.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (DataFormatException ex)
        {
            readError = ex; // the batch with the bad line was never yielded, so never sent
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Reading stopped because a batch failed for good; that failure is reported below.
        }
        await Task.WhenAll(inFlight);
        cancellationToken.ThrowIfCancellationRequested();
        watch.Stop();

        lock (state)
        {
            return new PipelineResult
            {
                Batches = state.Batches,
                Ratings = state.Ratings,
                DuplicateRatings = state.Duplicates,
                LastSequence = state.LastSequence,
                RetriedAttempts = state.Retries,
                Elapsed = watch.Elapsed,
                ReadError = readError,
                SendFailure = state.Failure,
                StoredThroughLine = state.ContiguousLine,
            };
        }
    }

    private async Task SendOneAsync(OutgoingBatch batch, RunState state, SemaphoreSlim slots, CancellationTokenSource stopReading,
        Action<OutgoingBatch, BatchAck>? onAck, CancellationToken cancellationToken)
    {
        try
        {
            var ack = await options.Retry.ExecuteAsync(ct => sink.SendAsync(batch, ct), cancellationToken,
                (_, _) => Interlocked.Increment(ref state.Retries));
            state.Record(batch, ack);
            onAck?.Invoke(batch, ack);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            lock (state) state.Failure ??= new BatchFailure(batch, ex);
            await stopReading.CancelAsync();
        }
        finally
        {
            slots.Release();
        }
    }

    private sealed class RunState
    {
        public long Batches;
        public long Ratings;
        public long Duplicates;
        public long LastSequence;
        public long Retries;
        public BatchFailure? Failure;

        // Batches finish out of order; the contiguous prefix of stored batches tells where a re-run must start.
        private long _nextIndex;
        private readonly SortedDictionary<long, long> _finishedAhead = [];
        public long ContiguousLine;

        public void Record(OutgoingBatch batch, BatchAck ack)
        {
            lock (this)
            {
                Batches++;
                Ratings += batch.Count;
                if (ack.Duplicate) Duplicates += batch.Count;
                LastSequence = Math.Max(LastSequence, ack.LastSequence);
                _finishedAhead[batch.Index] = batch.LastLine;
                while (_finishedAhead.Remove(_nextIndex, out var line))
                {
                    ContiguousLine = line;
                    _nextIndex++;
                }
            }
        }
    }
}
