using System.Runtime.Intrinsics;
using OnlineRec.Core.Model;

namespace OnlineRec.Core.Serving;

/// <summary>
/// Exact top-K recommendation by brute-force scan: score(i) = μ + b_u + b_i + p_u·q_i over every item, SIMD dot
/// products, a bounded heap in the caller's buffer. At ~10k items × 64 factors a query is well under a millisecond
/// and allocates nothing (pass a destination span), so no approximate index is needed at this scale.
/// Immutable and thread-safe for readers; it reads the arrays it was given, so build a new scanner when the item
/// matrix is replaced (in-place SGD updates are seen as they happen, which is harmless for ranking).
/// </summary>
public sealed class TopKScanner
{
    private readonly float[] _itemFactors;
    private readonly float[]? _itemBias;

    /// <param name="itemFactors">Row-major, at least <paramref name="itemCount"/> × <paramref name="factors"/>.</param>
    /// <param name="itemBias">b_i per item, or null when the model has no item biases.</param>
    public TopKScanner(float[] itemFactors, float[]? itemBias, int itemCount, int factors, float globalMean = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        if (itemFactors.Length < (long)itemCount * factors) throw new ArgumentException("Item factors are shorter than itemCount × factors.", nameof(itemFactors));
        if (itemBias is not null && itemBias.Length < itemCount) throw new ArgumentException("Fewer item biases than items.", nameof(itemBias));
        _itemFactors = itemFactors;
        _itemBias = itemBias;
        ItemCount = itemCount;
        Factors = factors;
        GlobalMean = globalMean;
    }

    /// <summary>A scanner over the model's current item rows (shares its arrays).</summary>
    public static TopKScanner FromModel(MfModel model) =>
        new(model.ItemFactors, model.ItemBias, model.ItemCount, model.Factors, model.GlobalMean);

    public int ItemCount { get; }
    public int Factors { get; }
    public float GlobalMean { get; }

    /// <summary>
    /// Fills <paramref name="destination"/> (its length is K) with the best items best-first and returns how many
    /// were written (fewer than K only when fewer items remain). Scores are raw, unclamped predictions; clamp them
    /// for display, not before ranking (clamping would tie everything above the top of the scale).
    /// </summary>
    /// <param name="userVector">p_u with <see cref="Factors"/> entries, or empty for a user without factors.</param>
    /// <param name="excludedItems">Item indices to skip (e.g. already rated), any order; out-of-range ones are ignored.</param>
    public int TopK(ReadOnlySpan<float> userVector, float userBias, ReadOnlySpan<int> excludedItems, Span<ScoredItem> destination)
    {
        // An empty vector is a cold user: rank by μ + b_u + b_i alone (the biases still carry popularity).
        var coldUser = userVector.IsEmpty;
        if (!coldUser && userVector.Length != Factors)
            throw new ArgumentException($"User vector has {userVector.Length} factors, expected {Factors} (or 0 for a cold user).", nameof(userVector));
        var collector = new TopKCollector(destination);
        if (destination.IsEmpty) return 0;
        // Not a `using` local: those are read-only, and the cursor inside must advance.
        var excluded = new ExcludedItems(excludedItems);
        try
        {
            var baseScore = GlobalMean + userBias;
            var factors = _itemFactors.AsSpan(0, ItemCount * Factors);
            var bias = _itemBias.AsSpan();
            var item = 0;
            if (!coldUser)
            {
                // Four rows per step share the user vector's loads; scores are bit-identical to one Dot per item.
                var k = Factors;
                for (; item <= ItemCount - 4; item += 4)
                {
                    var dots = VectorMath.Dot4(userVector, factors.Slice(item * k, 4 * k));
                    for (var j = 0; j < 4; j++)
                    {
                        if (excluded.Contains(item + j)) continue;
                        var score = baseScore + dots.GetElement(j);
                        if (!bias.IsEmpty) score += bias[item + j];
                        if (score >= collector.Threshold) collector.Offer(item + j, score);
                    }
                }
            }
            for (; item < ItemCount; item++)
            {
                if (excluded.Contains(item)) continue;
                var score = coldUser ? baseScore : baseScore + VectorMath.Dot(userVector, factors.Slice(item * Factors, Factors));
                if (!bias.IsEmpty) score += bias[item];
                if (score >= collector.Threshold) collector.Offer(item, score);
            }
        }
        finally
        {
            excluded.Dispose();
        }
        return collector.Finish();
    }

    /// <summary>Convenience overload that allocates the result array.</summary>
    public ScoredItem[] TopK(ReadOnlySpan<float> userVector, float userBias, int k, ReadOnlySpan<int> excludedItems = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var result = new ScoredItem[Math.Min(k, ItemCount)];
        var count = TopK(userVector, userBias, excludedItems, result);
        return count == result.Length ? result : result[..count];
    }

    /// <summary>Top-K for a user of <paramref name="model"/> (the scanner must be built over the same item rows).</summary>
    public int TopKForUser(MfModel model, int user, ReadOnlySpan<int> excludedItems, Span<ScoredItem> destination) =>
        TopK(model.UserVector(user), model.UserBias[user], excludedItems, destination);
}
