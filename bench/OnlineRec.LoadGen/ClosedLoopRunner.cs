using System.Diagnostics;

namespace OnlineRec.LoadGen;

/// <summary>How long a closed-loop run lasts. It always stops by itself: at the duration, or at the request count.</summary>
public sealed record LoadBudget
{
    /// <summary>Measured time (after the warm-up).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Requests before this are sent but not measured (connections, JIT, grain activations). 5 s because on a
    /// 2-core machine that the silo saturates, the generator's own tiered JIT needs 3–4 s to reach optimised code
    /// (docs/decisions/0015; <c>--timeline</c> shows it).
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Stop after this many measured requests, if reached before the duration; null = duration only.</summary>
    public long? Requests { get; init; }
}

/// <summary>Latency and throughput of one closed-loop run.</summary>
/// <param name="GeneratorGc">The load generator's own collections during the run: their pauses stop its clock-readers
/// and its client alike, so they are part of the latencies measured and worth seeing next to them.</param>
/// <param name="Sent">Every request sent, warm-up included (what <paramref name="GeneratorGc"/> covers).</param>
/// <param name="Timeline">Every second of the run, warm-up included: how many requests were answered and how many of
/// them slowly, so a reader can see the warm-up end and the steady state hold (or not).</param>
public sealed record QueryRunResult(long Requests, long Errors, TimeSpan Elapsed, LatencyHistogram Latency, string? FirstError,
    GcActivity GeneratorGc, long Sent, IReadOnlyList<SecondOfRun> Timeline)
{
    public double Throughput => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;
}

/// <summary>One second of a closed-loop run (from its start, warm-up included): requests answered, and how many took longer than 1, 2 and 5 ms.</summary>
public sealed record SecondOfRun(int Second, bool Measured, long Requests, long Over1Ms, long Over2Ms, long Over5Ms);

/// <summary>
/// A closed-loop load: <c>concurrency</c> workers, each sending its next request as soon as the previous one
/// answered. Latency is measured per request from send to answer; requests that started during the warm-up are not
/// counted. Throughput = measured requests ÷ measured time. A worker reads the clock once per request: the answer's
/// time is also the next request's start, so its own bookkeeping in between counts against the next latency (a few
/// tens of nanoseconds, on the conservative side) and a clock read is saved per request.
/// </summary>
public static class ClosedLoopRunner
{
    /// <param name="request">
    /// One request, given a fresh 64-bit random draw to pick what to ask (<see cref="QueryIds"/>). The worker keeps its
    /// generator state in its own locals: a <see cref="Random"/> per worker is two more objects touched per request,
    /// and with a thousand workers each one is a likely cache miss billed to the platform's latency.
    /// </param>
    public static async Task<QueryRunResult> RunAsync<T>(int concurrency, LoadBudget budget, Func<ulong, CancellationToken, ValueTask<T>> request,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        long errors = 0, measured = 0;
        string? firstError = null;
        // Per-thread statistics (below): a thousand workers sharing one histogram's counters (and one "last answer"
        // time) would contend on the same cache lines on every request, slowing the very client being measured.
        var gcBefore = GcActivity.Now();
        var origin = Stopwatch.GetTimestamp();
        var warmupEnd = origin + (long)(budget.Warmup.TotalSeconds * Stopwatch.Frequency);
        var end = warmupEnd + (long)(budget.Duration.TotalSeconds * Stopwatch.Frequency);

        var seconds = (int)Math.Ceiling((budget.Warmup + budget.Duration).TotalSeconds) + 1;
        using var perThread = new ThreadLocal<ThreadStats>(() => new ThreadStats(seconds), trackAllValues: true);

        async Task WorkerAsync(int seed)
        {
            var random = RandomDraws.Seed(seed);
            await Task.Yield(); // start all workers before any runs its loop
            var start = Stopwatch.GetTimestamp();
            while (!cancellationToken.IsCancellationRequested)
            {
                if (start >= end) return;
                var counts = start >= warmupEnd;
                if (counts && budget.Requests is { } limit && Interlocked.Increment(ref measured) > limit) return;
                try
                {
                    await request(RandomDraws.Next(ref random), cancellationToken);
                    var finish = Stopwatch.GetTimestamp();
                    var stats = perThread.Value!; // once per request: the worker resumes on whichever thread answered it
                    stats.Sent++;
                    var nanoseconds = (long)Stopwatch.GetElapsedTime(start, finish).TotalNanoseconds;
                    stats.Timeline.Record(finish - origin, nanoseconds);
                    if (counts)
                    {
                        stats.Latency.Record(nanoseconds);
                        stats.LastFinish = Math.Max(stats.LastFinish, finish);
                    }
                    start = finish;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    var stats = perThread.Value!;
                    stats.Sent++;
                    start = Stopwatch.GetTimestamp();
                    if (counts)
                    {
                        Interlocked.Increment(ref errors);
                        stats.LastFinish = Math.Max(stats.LastFinish, start);
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
        var timeline = new SecondCounts(seconds);
        var lastFinish = warmupEnd;
        long sent = 0;
        foreach (var stats in perThread.Values)
        {
            sent += stats.Sent;
            histogram.Add(stats.Latency);
            timeline.Add(stats.Timeline);
            lastFinish = Math.Max(lastFinish, stats.LastFinish);
        }
        // Measured window: from the end of the warm-up to the last measured answer.
        var elapsed = Stopwatch.GetElapsedTime(warmupEnd, lastFinish);
        return new QueryRunResult(histogram.Count, errors, elapsed, histogram, firstError, gc, sent, timeline.ToSeconds(budget.Warmup));
    }

    private sealed class ThreadStats(int seconds)
    {
        public LatencyHistogram Latency { get; } = new();
        public SecondCounts Timeline { get; } = new(seconds);
        public long LastFinish;
        public long Sent; // warm-up included
    }

    /// <summary>Answers per second of the run and how many were slow; one writer, merged like the histograms.</summary>
    private sealed class SecondCounts(int seconds)
    {
        private const int Bands = 4; // answered, over 1 ms, over 2 ms, over 5 ms
        private readonly long[] _counts = new long[seconds * Bands];

        public void Record(long sinceOrigin, long nanoseconds)
        {
            var second = (int)(sinceOrigin / Stopwatch.Frequency);
            if ((uint)second >= (uint)(_counts.Length / Bands)) return; // a last answer after the planned end
            var at = second * Bands;
            _counts[at]++;
            if (nanoseconds > 1_000_000) _counts[at + 1]++;
            if (nanoseconds > 2_000_000) _counts[at + 2]++;
            if (nanoseconds > 5_000_000) _counts[at + 3]++;
        }

        public void Add(SecondCounts other)
        {
            for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        }

        public IReadOnlyList<SecondOfRun> ToSeconds(TimeSpan warmup)
        {
            var seconds = new List<SecondOfRun>();
            for (var s = 0; s < _counts.Length / Bands; s++)
            {
                var at = s * Bands;
                if (_counts[at] == 0) continue;
                seconds.Add(new SecondOfRun(s, s >= warmup.TotalSeconds, _counts[at], _counts[at + 1], _counts[at + 2], _counts[at + 3]));
            }
            return seconds;
        }
    }
}

/// <summary>Garbage collections of this process (all generations), the time it was paused for them, and what it allocated.</summary>
public readonly record struct GcActivity(int Collections, TimeSpan Paused, long AllocatedBytes)
{
    public static GcActivity Now() => new(GC.CollectionCount(0), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

    public static GcActivity operator -(GcActivity after, GcActivity before) =>
        new(after.Collections - before.Collections, after.Paused - before.Paused, after.AllocatedBytes - before.AllocatedBytes);
}

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a full-period 64-bit generator in one <c>ulong</c> of state that passes
/// BigCrush, so it picks ids evenly, at a few nanoseconds per draw.
/// </summary>
public static class RandomDraws
{
    public static ulong Seed(int seed) => unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);

    public static ulong Next(ref ulong state)
    {
        var z = state = unchecked(state + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, <paramref name="count"/>) from 32 bits of a draw (multiply-shift: no division, bias below 2⁻³²·count).</summary>
    public static int Below(uint bits, int count) => (int)(((ulong)bits * (uint)count) >> 32);
}
