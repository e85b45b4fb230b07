using System.Diagnostics;

namespace OnlineRec.Client.Load;

/// <summary>How long a closed-loop run lasts. It always stops by itself: at the duration, or at the request count.</summary>
public sealed record LoadBudget
{
    /// <summary>Measured time (after the warm-up).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests before this are sent but not measured (connections, JIT, grain activations).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Stop after this many measured requests, if reached before the duration; null = duration only.</summary>
    public long? Requests { get; init; }
}

/// <summary>Latency and throughput of one closed-loop run.</summary>
public sealed record QueryRunResult(long Requests, long Errors, TimeSpan Elapsed, LatencyHistogram Latency, string? FirstError)
{
    public double Throughput => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// A closed-loop load: <c>concurrency</c> workers, each sending its next request as soon as the previous one
/// answered. Latency is measured per request from send to answer; requests that started during the warm-up are not
/// counted. Throughput = measured requests ÷ measured time.
/// </summary>
public static class ClosedLoopRunner
{
    /// <param name="request">One request; the worker's own <see cref="Random"/> picks what to ask.</param>
    public static async Task<QueryRunResult> RunAsync(int concurrency, LoadBudget budget, Func<Random, CancellationToken, ValueTask> request,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        long errors = 0, measured = 0;
        string? firstError = null;
        // Per-thread statistics: a thousand workers sharing one histogram's counters (and one "last answer" time)
        // would contend on the same cache lines on every request, slowing the very client being measured.
        using var perThread = new ThreadLocal<ThreadStats>(() => new ThreadStats(), trackAllValues: true);
        var origin = Stopwatch.GetTimestamp();
        var warmupEnd = origin + (long)(budget.Warmup.TotalSeconds * Stopwatch.Frequency);
        var end = warmupEnd + (long)(budget.Duration.TotalSeconds * Stopwatch.Frequency);

        async Task WorkerAsync(int seed)
        {
            var random = new Random(seed);
            await Task.Yield(); // start all workers before any runs its loop
            while (!cancellationToken.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                if (start >= end) return;
                var counts = start >= warmupEnd;
                if (counts && budget.Requests is { } limit && Interlocked.Increment(ref measured) > limit) return;
                try
                {
                    await request(random, cancellationToken);
                    if (counts)
                    {
                        var finish = Stopwatch.GetTimestamp();
                        var stats = perThread.Value!;
                        stats.Latency.Record((long)Stopwatch.GetElapsedTime(start, finish).TotalNanoseconds);
                        stats.LastFinish = Math.Max(stats.LastFinish, finish);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    if (counts)
                    {
                        Interlocked.Increment(ref errors);
                        var stats = perThread.Value!;
                        stats.LastFinish = Math.Max(stats.LastFinish, Stopwatch.GetTimestamp());
                    }
                    Interlocked.CompareExchange(ref firstError, ex.GetBaseException().Message, null);
                }
            }
        }

        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++) workers[w] = WorkerAsync(unchecked(w * 7919 + 17));
        await Task.WhenAll(workers);
        cancellationToken.ThrowIfCancellationRequested();

        var histogram = new LatencyHistogram();
        var lastFinish = warmupEnd;
        foreach (var stats in perThread.Values)
        {
            histogram.Add(stats.Latency);
            lastFinish = Math.Max(lastFinish, stats.LastFinish);
        }
        // Measured window: from the end of the warm-up to the last measured answer.
        var elapsed = Stopwatch.GetElapsedTime(warmupEnd, lastFinish);
        return new QueryRunResult(histogram.Count, errors, elapsed, histogram, firstError);
    }

    private sealed class ThreadStats
    {
        public LatencyHistogram Latency { get; } = new();
        public long LastFinish;
    }
}
