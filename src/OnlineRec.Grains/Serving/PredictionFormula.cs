using OnlineRec.Core.Model;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// r̂ = μ + b_u + b_i + p_u·q_i, clamped to the scale, where an unknown user contributes neither bias nor vector and an
/// unknown item neither. One definition, shared by the user grain and the batched serving path, so they agree exactly.
/// </summary>
public static class PredictionFormula
{
    public static float Score(float globalMean, bool knownUser, float userBias, ReadOnlySpan<float> userVector,
        ItemFactorIndex items, string item, RatingScale scale)
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
}
