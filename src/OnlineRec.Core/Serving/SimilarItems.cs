using OnlineRec.Core.Model;

namespace OnlineRec.Core.Serving;

/// <summary>
/// "More like this": items ranked by cosine similarity of their factor vectors to a given item. Inverse norms are
/// computed once at construction, so a query is one SIMD dot product per item plus a bounded heap. A zero
/// (or non-finite) vector has no direction: it is never similar to anything, and querying it returns nothing.
/// Like <see cref="TopKScanner"/>, build a new instance when the item matrix is replaced.
/// </summary>
public sealed class SimilarItems
{
    private readonly float[] _itemFactors;
    private readonly float[] _inverseNorms;

    public SimilarItems(float[] itemFactors, int itemCount, int factors)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        if (itemFactors.Length < (long)itemCount * factors) throw new ArgumentException("Item factors are shorter than itemCount × factors.", nameof(itemFactors));
        _itemFactors = itemFactors;
        ItemCount = itemCount;
        Factors = factors;
        _inverseNorms = new float[itemCount];
        for (var i = 0; i < itemCount; i++)
        {
            var norm = VectorMath.Norm(Row(i));
            _inverseNorms[i] = norm > 0 && float.IsFinite(norm) ? 1f / norm : 0f;
        }
    }

    public static SimilarItems FromModel(MfModel model) => new(model.ItemFactors, model.ItemCount, model.Factors);

    public int ItemCount { get; }
    public int Factors { get; }

    /// <summary>Cosine similarity in [−1, 1]; 0 when either vector is zero.</summary>
    public float Cosine(int a, int b) => VectorMath.Dot(Row(a), Row(b)) * _inverseNorms[a] * _inverseNorms[b];

    /// <summary>
    /// Fills <paramref name="destination"/> (length K) with the items most similar to <paramref name="item"/>,
    /// best-first, never including <paramref name="item"/> itself or <paramref name="excludedItems"/>; returns the count.
    /// </summary>
    public int MostSimilar(int item, Span<ScoredItem> destination, ReadOnlySpan<int> excludedItems = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(item);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(item, ItemCount);
        var collector = new TopKCollector(destination);
        var queryScale = _inverseNorms[item];
        if (destination.IsEmpty || queryScale == 0f) return 0;
        var excluded = new ExcludedItems(excludedItems); // not `using`: its cursor must advance
        try
        {
            var query = Row(item);
            for (var other = 0; other < ItemCount; other++)
            {
                if (other == item || excluded.Contains(other) || _inverseNorms[other] == 0f) continue;
                var cosine = VectorMath.Dot(query, Row(other)) * queryScale * _inverseNorms[other];
                if (cosine >= collector.Threshold) collector.Offer(other, cosine);
            }
        }
        finally
        {
            excluded.Dispose();
        }
        return collector.Finish();
    }

    /// <summary>Convenience overload that allocates the result array.</summary>
    public ScoredItem[] MostSimilar(int item, int k, ReadOnlySpan<int> excludedItems = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var result = new ScoredItem[Math.Min(k, Math.Max(ItemCount - 1, 0))];
        var count = MostSimilar(item, result, excludedItems);
        return count == result.Length ? result : result[..count];
    }

    private ReadOnlySpan<float> Row(int item) => _itemFactors.AsSpan(item * Factors, Factors);
}
