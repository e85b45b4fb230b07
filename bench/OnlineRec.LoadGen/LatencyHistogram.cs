using System.Numerics;

namespace OnlineRec.LoadGen;

/// <summary>
/// Log-linear latency histogram in nanoseconds (the HdrHistogram idea, written small): values below 256 get exact
/// buckets; above, each power of two is split into 128 equal buckets, so a reported percentile is within 1/128
/// (&lt; 0.8 %) of the true value. Fixed memory (≈ 37 KB). One writer at a time: a load run gives each thread its own
/// histogram (no shared counters on the request path) and merges them with <see cref="Add"/> once the writers finished.
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

    public long Count => _count;
    public long Max => _count == 0 ? 0 : _max;
    public long Min => _count == 0 ? 0 : _min;
    public double Mean => _count == 0 ? 0 : (double)_sum / _count;

    /// <summary>Records one value (nanoseconds; negatives count as 0).</summary>
    public void Record(long nanoseconds)
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
            seen += _counts[i];
            // The bucket's highest value, but never beyond what was actually recorded.
            if (seen >= rank) return Math.Clamp(HighestInBucket(i), Min, Max);
        }
        return Max;
    }

    /// <summary>Adds another histogram's counts to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        if (other._count == 0) return;
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        _count += other._count;
        _sum += other._sum;
        _max = Math.Max(_max, other._max);
        _min = Math.Min(_min, other._min);
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
}
