using OnlineRec.Core.Serving;

namespace OnlineRec.Core.Model;

/// <summary>
/// How popular each item is: its interactions, each counted 2^(−age / half-life) with age measured back from
/// <see cref="ReferenceTimestamp"/> (the newest interaction in the data), so recent interest outweighs old. The list a
/// user with no events is served, and the baseline every personal list must beat.
/// </summary>
public sealed class ItemPopularity
{
    public ItemPopularity(double[] scores, long referenceTimestamp, double halfLifeDays)
    {
        ArgumentNullException.ThrowIfNull(scores);
        foreach (var s in scores)
            if (!double.IsFinite(s) || s < 0) throw new ArgumentException("Popularity scores must be finite and ≥ 0.", nameof(scores));
        Scores = scores;
        ReferenceTimestamp = referenceTimestamp;
        HalfLifeDays = halfLifeDays;
    }

    /// <summary>The decayed interaction count per item index.</summary>
    public double[] Scores { get; }

    public long ReferenceTimestamp { get; }

    /// <summary>0: no decay (plain counts).</summary>
    public double HalfLifeDays { get; }

    public int ItemCount => Scores.Length;

    public static ItemPopularity Empty(int items, double halfLifeDays = 0) => new(new double[items], 0, halfLifeDays);

    /// <summary>
    /// The most popular items, best first, skipping <paramref name="excludedItems"/> (any order); ties go to the lower
    /// index. Returns how many were written to <paramref name="destination"/> (its length is K).
    /// </summary>
    public int TopK(ReadOnlySpan<int> excludedItems, Span<ScoredItem> destination)
    {
        var collector = new TopKCollector(destination);
        if (destination.IsEmpty) return 0;
        var excluded = new ExcludedItems(excludedItems);
        try
        {
            for (var item = 0; item < Scores.Length; item++)
            {
                if (excluded.Contains(item)) continue;
                var score = (float)Scores[item];
                if (score >= collector.Threshold) collector.Offer(item, score);
            }
        }
        finally
        {
            excluded.Dispose();
        }
        return collector.Finish();
    }

    /// <summary>The same scores over <paramref name="itemCount"/> items (new items score 0), for a grown item map.</summary>
    public ItemPopularity Resize(int itemCount)
    {
        if (itemCount == Scores.Length) return this;
        var scores = new double[itemCount];
        Scores.AsSpan(0, Math.Min(itemCount, Scores.Length)).CopyTo(scores);
        return new ItemPopularity(scores, ReferenceTimestamp, HalfLifeDays);
    }

    /// <summary>
    /// Combines parts computed separately (each against its own reference time, over disjoint items) into one vector
    /// against the newest reference: a part's scores are discounted by 2^(−(newest − its reference) / half-life).
    /// </summary>
    public static ItemPopularity Merge(int itemCount, double halfLifeDays, IEnumerable<(int[] Items, double[] Scores, long ReferenceTimestamp)> parts)
    {
        var list = parts.ToList();
        var reference = list.Count == 0 ? 0 : list.Max(p => p.ReferenceTimestamp);
        var scores = new double[itemCount];
        foreach (var (items, partScores, partReference) in list)
        {
            if (items.Length != partScores.Length) throw new ArgumentException("A popularity part has mismatched item and score arrays.");
            var discount = PopularityAccumulator.Decay(reference - partReference, halfLifeDays * 86_400.0);
            for (var j = 0; j < items.Length; j++) scores[items[j]] += partScores[j] * discount;
        }
        return new ItemPopularity(scores, reference, halfLifeDays);
    }
}

/// <summary>
/// Accumulates decayed counts in one pass in any time order: each item keeps its sum relative to its own newest
/// timestamp (rescaled when a newer one arrives), so no term ever overflows, and <see cref="ScoresAt"/> discounts
/// every item to a common reference at the end.
/// </summary>
public sealed class PopularityAccumulator(int itemCount, double halfLifeSeconds)
{
    private readonly double[] _sums = new double[itemCount];
    private readonly long[] _newest = new long[itemCount];
    private readonly bool[] _seen = new bool[itemCount];

    /// <summary>The newest timestamp added (0 before any).</summary>
    public long MaxTimestamp { get; private set; }

    public void Add(int item, long timestamp)
    {
        if (!_seen[item])
        {
            _seen[item] = true;
            _newest[item] = timestamp;
            _sums[item] = 1;
        }
        else if (timestamp > _newest[item])
        {
            _sums[item] = _sums[item] * Decay(timestamp - _newest[item], halfLifeSeconds) + 1;
            _newest[item] = timestamp;
        }
        else
        {
            _sums[item] += Decay(_newest[item] - timestamp, halfLifeSeconds);
        }
        if (timestamp > MaxTimestamp) MaxTimestamp = timestamp;
    }

    /// <summary>Every item's decayed count as of <paramref name="reference"/> (not earlier than any timestamp added).</summary>
    public double[] ScoresAt(long reference)
    {
        var scores = new double[_sums.Length];
        for (var i = 0; i < scores.Length; i++)
            if (_seen[i]) scores[i] = _sums[i] * Decay(reference - _newest[i], halfLifeSeconds);
        return scores;
    }

    /// <summary>2^(−age / half-life); 1 without decay (half-life 0).</summary>
    public static double Decay(long ageSeconds, double halfLifeSeconds) =>
        halfLifeSeconds > 0 && ageSeconds > 0 ? Math.Pow(2, -ageSeconds / halfLifeSeconds) : 1.0;
}
