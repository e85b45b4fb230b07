using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Model;

namespace OnlineRec.Core.Tests.Evaluation;

public sealed class RatingMetricsTests
{
    private static RatingDataset Test() =>
        new(new IdMap(["u0", "u1"]), new IdMap(["i0", "i1"]), [new Rating(0, 0, 4), new Rating(0, 1, 2), new Rating(1, 0, 5), new Rating(-1, 1, 1)]);

    [Fact]
    public void Rmse_and_mae_match_hand_computation()
    {
        // Predictions 3, 3, 3, 3 against 4, 2, 5, 1: errors −1, 1, −2, 2 → RMSE √(10/4), MAE 6/4.
        var metrics = RatingMetrics.Evaluate(Test(), (_, _) => 3f);

        Assert.Equal(4, metrics.Count);
        Assert.Equal(Math.Sqrt(2.5), metrics.Rmse, 1e-12);
        Assert.Equal(1.5, metrics.Mae, 1e-12);
    }

    [Fact]
    public void Predictions_are_clamped_to_the_scale_and_nan_becomes_the_midpoint()
    {
        // 7 → 5 and −3 → 1 against 4 and 2: errors 1 and −1; NaN → 3 against 5 and 1: errors −2, 2.
        float Predict(int u, int i) => u == 0 ? (i == 0 ? 7f : -3f) : float.NaN;

        var metrics = RatingMetrics.Evaluate(Test(), Predict, RatingScale.OneToFive);

        Assert.Equal(Math.Sqrt(10 / 4.0), metrics.Rmse, 1e-12);
        Assert.Equal(1.5, metrics.Mae, 1e-12);
    }

    [Fact]
    public void Model_overload_handles_unknown_users()
    {
        var model = new MfModel(2, new IdMap(["u0", "u1"]), new IdMap(["i0", "i1"]), globalMean: 3f);
        model.UserBias[0] = 1f;

        // Predictions 4, 4, 3, 3 against 4, 2, 5, 1: errors 0, 2, −2, 2.
        var metrics = RatingMetrics.Evaluate(Test(), model);

        Assert.Equal(Math.Sqrt(12 / 4.0), metrics.Rmse, 1e-6);
        Assert.Equal(1.5, metrics.Mae, 1e-6);
    }

    [Fact]
    public void Event_overload_uses_external_ids_and_empty_is_zero()
    {
        RatingEvent[] events = [new("a", "x", 5, 0), new("b", "y", 3, 0)];

        var metrics = RatingMetrics.Evaluate(events, (u, _) => u == "a" ? 4f : 3f);

        Assert.Equal(Math.Sqrt(0.5), metrics.Rmse, 1e-12);
        Assert.Equal(0.5, metrics.Mae, 1e-12);
        Assert.Equal(new ErrorMetrics(0, 0, 0), RatingMetrics.Evaluate([], (_, _) => 1f));
    }
}
