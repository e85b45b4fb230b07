using System.Numerics;

namespace OnlineRec.Client.Load;

/// <summary>
/// Log-linear latency histogram in nanoseconds (the HdrHistogram idea, written small): values below 256 get exact
/// buckets; above, each power of two is split into 128 equal buckets, so a reported percentile is within 1/128
/// (&lt; 0.8 %) of the true value. Fixed memory (≈ 37 KB), lock-free recording, safe from many threads.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 8;
    private const int SubBuckets = 1 << SubBucketBits;   // 256 exact buckets for [0, 256)
    private const int HalfSubBuckets = SubBuckets / 2;   // 128 buckets per power of two above
    private const int MaxValueBits = 42;                 // 2^42 ns ≈ 73 min; larger values land in the top bucket

    private readonly long[] _counts = new long[SubBuckets + (MaxValueBits - SubBucketBits + 1) * HalfSubBuckets];
    private long _count;
    private long _max;
    private long _min = long.MaxValue;
    private long _sum;

    public long Count => Interlocked.Read(ref _count);
    public long Max => Count == 0 ? 0 : Interlocked.Read(ref _max);
    public long Min => Count == 0 ? 0 : Interlocked.Read(ref _min);
    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    /// <summary>Records one value (nanoseconds; negatives count as 0).</summary>
    public void Record(long nanoseconds)
    {
        var value = Math.Max(0, nanoseconds);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        UpdateMax(value);
        UpdateMin(value);
    }

    /// <summary>
    /// Records one value with plain writes: only for a histogram that one thread at a time writes and that is read
    /// after its writers finished (a load worker's per-thread histogram), where interlocked updates are pure cost.
    /// </summary>
    public void RecordFromOwningThread(long nanoseconds)
    {
        var value = Math.Max(0, nanoseconds);
        _counts[IndexOf(value)]++;
        _count++;
        _sum += value;
        if (value > _max) _max = value;
        if (value < _min) _min = value;
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of recorded values fall (0 when empty).</summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var count = Count;
        if (count == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            // The bucket's highest value, but never beyond what was actually recorded.
            if (seen >= rank) return Math.Clamp(HighestInBucket(i), Min, Max);
        }
        return Max;
    }

    /// <summary>Adds another histogram's counts to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Interlocked.Read(ref other._counts[i]);
            if (c != 0) Interlocked.Add(ref _counts[i], c);
        }
        if (other.Count == 0) return;
        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, Interlocked.Read(ref other._sum));
        UpdateMax(other.Max);
        UpdateMin(other.Min);
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBuckets) return (int)value;
        var magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value); // ≥ SubBucketBits
        if (magnitude > MaxValueBits) return SubBuckets + (MaxValueBits - SubBucketBits + 1) * HalfSubBuckets - 1;
        var shift = magnitude - (SubBucketBits - 1);                          // value >> shift ∈ [128, 256)
        var mantissa = (int)(value >> shift);
        return SubBuckets + (shift - 1) * HalfSubBuckets + (mantissa - HalfSubBuckets);
    }

    internal static long HighestInBucket(int index)
    {
        if (index < SubBuckets) return index;
        var j = index - SubBuckets;
        var shift = j / HalfSubBuckets + 1;
        var mantissa = (long)(j % HalfSubBuckets + HalfSubBuckets);
        return ((mantissa + 1) << shift) - 1;
    }

    private void UpdateMax(long value)
    {
        var current = Interlocked.Read(ref _max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private void UpdateMin(long value)
    {
        var current = Interlocked.Read(ref _min);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
