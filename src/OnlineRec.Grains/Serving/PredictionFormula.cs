using OnlineRec.Abstractions;
using OnlineRec.Core.Model;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// r̂ = μ + b_u + b_i + p_u·q_i, clamped to the scale, where an unknown user contributes neither bias nor vector and an
/// unknown item neither. One definition, which <see cref="ServingReads"/> uses for every answer (from the replica or the grain).
/// </summary>
public static class PredictionFormula
{
    public static float Score(float globalMean, bool knownUser, float userBias, ReadOnlySpan<float> userVector,
        ItemFactorIndex items, ReadOnlySpan<char> item, RatingScale scale)
    {
        var score = globalMean;
        if (knownUser) score += userBias;
        if (items.TryScore(item, knownUser ? userVector : ReadOnlySpan<float>.Empty, out var itemBias, out var dot))
        {
            score += itemBias;
            score += dot;
        }
        return scale.Clamp(score);
    }

    /// <summary>
    /// The same score from an item row the caller already found (the batched path, <see cref="ItemFactorIndex.LookUp"/>);
    /// bit-identical to the overload above.
    /// </summary>
    public static float Score(float globalMean, bool knownUser, float userBias, ReadOnlySpan<float> userVector,
        bool knownItem, float itemBias, ReadOnlySpan<float> itemVector, RatingScale scale)
    {
        var score = globalMean;
        if (knownUser) score += userBias;
        if (knownItem)
        {
            score += itemBias;
            score += knownUser && userVector.Length == itemVector.Length ? VectorMath.Dot(userVector, itemVector) : 0f;
        }
        return scale.Clamp(score);
    }

    /// <summary>
    /// The <paramref name="count"/> best items the user has not rated, by the same score (clamped for display after
    /// ranking on raw scores).
    /// </summary>
    public static ScoredItem[] Recommend(float globalMean, bool knownUser, float userBias, ReadOnlySpan<float> userVector,
        IReadOnlyCollection<string> rated, int count, ItemFactorIndex items, RatingScale scale)
    {
        var offset = globalMean + (knownUser ? userBias : 0f);
        var top = items.TopK(knownUser ? userVector : ReadOnlySpan<float>.Empty, count, rated);
        var result = new ScoredItem[top.Length];
        for (var i = 0; i < top.Length; i++) result[i] = new ScoredItem(top[i].Item, scale.Clamp(offset + top[i].Score));
        return result;
    }
}
