using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>The two parts of the regularised squared loss.</summary>
public readonly record struct ObjectiveValue(double SquaredError, double Penalty, int RatingCount)
{
    public double Total => SquaredError + Penalty;

    /// <summary>Root mean squared training error (unclamped predictions).</summary>
    public double Rmse => RatingCount == 0 ? 0 : Math.Sqrt(SquaredError / RatingCount);
}

/// <summary>
/// L = Σ_(u,i) (r − μ − b_u − b_i − p_u·q_i)² + Σ_u [λ_f s_f(n_u)‖p_u‖² + λ_b s_b(n_u) b_u²] + Σ_i [same with n_i],
/// the loss that biased ALS minimises exactly row by row (so it never increases over ALS half-steps).
/// </summary>
public static class MfObjective
{
    public static ObjectiveValue Evaluate(MfModel model, RatingDataset data, Regularization regularization)
    {
        double squaredError = 0;
        var counted = 0;
        foreach (var r in data.Ratings)
        {
            if ((uint)r.User >= (uint)model.UserCount || (uint)r.Item >= (uint)model.ItemCount) continue;
            double error = r.Value - model.PredictRaw(r.User, r.Item);
            squaredError += error * error;
            counted++;
        }

        double penalty = 0;
        var byUser = data.ByUser;
        for (var u = 0; u < Math.Min(byUser.RowCount, model.UserCount); u++)
            penalty += RowPenalty(model.UserVector(u), model.UserBias[u], byUser.RowLength(u), regularization);
        var byItem = data.ByItem;
        for (var i = 0; i < Math.Min(byItem.RowCount, model.ItemCount); i++)
            penalty += RowPenalty(model.ItemVector(i), model.ItemBias[i], byItem.RowLength(i), regularization);
        return new ObjectiveValue(squaredError, penalty, counted);
    }

    private static double RowPenalty(ReadOnlySpan<float> factors, float bias, int n, in Regularization regularization)
    {
        double norm = VectorMath.Dot(factors, factors);
        return regularization.FactorPenalty(n) * norm + regularization.BiasPenalty(n) * (double)bias * bias;
    }
}
