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
    public static async Task<QueryRunResult> RunAsync(int concurrency, LoadBudget budget, Func<Random, CancellationToken, Task> request,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var histogram = new LatencyHistogram();
        long errors = 0, measured = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var warmupEnd = budget.Warmup;
        var end = budget.Warmup + budget.Duration;
        long lastFinishTicks = 0;

        async Task WorkerAsync(int seed)
        {
            var random = new Random(seed);
            await Task.Yield(); // start all workers before any runs its loop
            while (!cancellationToken.IsCancellationRequested)
            {
                var startedAt = clock.Elapsed;
                if (startedAt >= end) return;
                var counts = startedAt >= warmupEnd;
                if (counts && budget.Requests is { } limit && Interlocked.Increment(ref measured) > limit) return;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await request(random, cancellationToken);
                    if (counts) histogram.Record((long)Stopwatch.GetElapsedTime(start).TotalNanoseconds);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    if (counts) Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, ex.GetBaseException().Message, null);
                }
                if (counts) InterlockedMax(ref lastFinishTicks, clock.Elapsed.Ticks);
            }
        }

        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++) workers[w] = WorkerAsync(unchecked(w * 7919 + 17));
        await Task.WhenAll(workers);
        cancellationToken.ThrowIfCancellationRequested();

        // Measured window: from the end of the warm-up to the last measured answer.
        var elapsed = TimeSpan.FromTicks(Math.Max(0, Interlocked.Read(ref lastFinishTicks) - warmupEnd.Ticks));
        return new QueryRunResult(histogram.Count, errors, elapsed, histogram, firstError);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
