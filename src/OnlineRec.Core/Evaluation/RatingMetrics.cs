using OnlineRec.Core.Model;

namespace OnlineRec.Core.Evaluation;

/// <summary>
/// Prediction error of a model on held-out ratings. Predictions are clamped to the scale when one is given
/// (a deployed model would clamp too, and NaN becomes the midpoint rather than poisoning the sum).
/// </summary>
public static class RatingMetrics
{
    /// <summary>Error of <paramref name="predict"/>(user index, item index) over <paramref name="test"/>; indices may be −1 (unseen).</summary>
    public static ErrorMetrics Evaluate(RatingDataset test, Func<int, int, float> predict, RatingScale? scale = null)
    {
        var accumulator = new ErrorAccumulator();
        foreach (var r in test.Ratings)
            accumulator.Add(Clamp(predict(r.User, r.Item), scale), r.Value);
        return accumulator.Result;
    }

    /// <summary>Error of a model whose id maps are the ones <paramref name="test"/> was mapped onto.</summary>
    public static ErrorMetrics Evaluate(RatingDataset test, MfModel model, RatingScale? scale = null) =>
        Evaluate(test, model.PredictRaw, scale);

    /// <summary>Error over raw events, for predictors keyed by external ids.</summary>
    public static ErrorMetrics Evaluate(IEnumerable<RatingEvent> test, Func<string, string, float> predict, RatingScale? scale = null)
    {
        var accumulator = new ErrorAccumulator();
        foreach (var e in test)
            accumulator.Add(Clamp(predict(e.User, e.Item), scale), e.Value);
        return accumulator.Result;
    }

    public static double Rmse(RatingDataset test, Func<int, int, float> predict, RatingScale? scale = null) =>
        Evaluate(test, predict, scale).Rmse;

    public static double Mae(RatingDataset test, Func<int, int, float> predict, RatingScale? scale = null) =>
        Evaluate(test, predict, scale).Mae;

    internal static double Clamp(float prediction, RatingScale? scale) => scale is null ? prediction : scale.Clamp((double)prediction);
}
