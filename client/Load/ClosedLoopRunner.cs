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
/// <param name="GeneratorGc">The load generator's own collections during the run: their pauses stop its clock-readers
/// and its client alike, so they are part of the latencies measured and worth seeing next to them.</param>
/// <param name="Sent">Every request sent, warm-up included (what <paramref name="GeneratorGc"/> covers).</param>
public sealed record QueryRunResult(long Requests, long Errors, TimeSpan Elapsed, LatencyHistogram Latency, string? FirstError,
    GcActivity GeneratorGc, long Sent)
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
    public static async Task<QueryRunResult> RunAsync<T>(int concurrency, LoadBudget budget, Func<Random, CancellationToken, ValueTask<T>> request,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        long errors = 0, measured = 0;
        string? firstError = null;
        // Per-thread statistics: a thousand workers sharing one histogram's counters (and one "last answer" time)
        // would contend on the same cache lines on every request, slowing the very client being measured.
        using var perThread = new ThreadLocal<ThreadStats>(() => new ThreadStats(), trackAllValues: true);
        var gcBefore = GcActivity.Now();
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
                    var stats = perThread.Value!; // once per request: the worker resumes on whichever thread answered it
                    stats.Sent++;
                    if (counts)
                    {
                        var finish = Stopwatch.GetTimestamp();
                        stats.Latency.Record((long)Stopwatch.GetElapsedTime(start, finish).TotalNanoseconds);
                        stats.LastFinish = Math.Max(stats.LastFinish, finish);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    var stats = perThread.Value!;
                    stats.Sent++;
                    if (counts)
                    {
                        Interlocked.Increment(ref errors);
                        stats.LastFinish = Math.Max(stats.LastFinish, Stopwatch.GetTimestamp());
                    }
                    Interlocked.CompareExchange(ref firstError, ex.GetBaseException().Message, null);
                }
            }
        }

        var workers = new Task[concurrency];
        // Workers start without the caller's ExecutionContext (the CLI's async-locals): resuming a worker then costs no
        // context switch-in and -out, which at 10⁶ requests/s is generator CPU taken from the silo on a shared machine.
        using (ExecutionContext.SuppressFlow())
            for (var w = 0; w < concurrency; w++) workers[w] = WorkerAsync(unchecked(w * 7919 + 17));
        await Task.WhenAll(workers);
        cancellationToken.ThrowIfCancellationRequested();
        var gc = GcActivity.Now() - gcBefore; // includes the warm-up, as the counters cannot be read at its end exactly

        var histogram = new LatencyHistogram();
        var lastFinish = warmupEnd;
        long sent = 0;
        foreach (var stats in perThread.Values)
        {
            sent += stats.Sent;
            histogram.Add(stats.Latency);
            lastFinish = Math.Max(lastFinish, stats.LastFinish);
        }
        // Measured window: from the end of the warm-up to the last measured answer.
        var elapsed = Stopwatch.GetElapsedTime(warmupEnd, lastFinish);
        return new QueryRunResult(histogram.Count, errors, elapsed, histogram, firstError, gc, sent);
    }

    private sealed class ThreadStats
    {
        public LatencyHistogram Latency { get; } = new();
        public long LastFinish;
        public long Sent; // warm-up included
    }
}

/// <summary>Garbage collections of this process (all generations), the time it was paused for them, and what it allocated.</summary>
public readonly record struct GcActivity(int Collections, TimeSpan Paused, long AllocatedBytes)
{
    public static GcActivity Now() => new(GC.CollectionCount(0), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

    public static GcActivity operator -(GcActivity after, GcActivity before) =>
        new(after.Collections - before.Collections, after.Paused - before.Paused, after.AllocatedBytes - before.AllocatedBytes);
}
