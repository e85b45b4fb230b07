using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Implicit;

/// <summary>
/// The implicit-ALS objective Σ_{all u,i} c_ui (p_ui − x_u·y_i)² + λ(Σ‖x_u‖² + Σ‖y_i‖²), evaluated without visiting the
/// non-interacted pairs: a row's data term is xᵀ(FᵀF)x + Σ_{i∈N} [c (1 − s)² − s²] with s = x·f_i. In double.
/// </summary>
public static class ImplicitObjective
{
    /// <summary>One row's data term given the other side and its Gram matrix.</summary>
    public static double RowLoss(ReadOnlySpan<int> columns, ReadOnlySpan<float> weights, ReadOnlySpan<float> x,
        ReadOnlySpan<float> fixedFactors, ReadOnlySpan<float> gram, float alpha)
    {
        var k = x.Length;
        double quadratic = 0;
        for (var a = 0; a < k; a++)
        {
            double row = 0;
            for (var c = 0; c < k; c++) row += (double)gram[a * k + c] * x[c];
            quadratic += row * x[a];
        }
        double correction = 0;
        for (var j = 0; j < columns.Length; j++)
        {
            double s = VectorMath.Dot(x, fixedFactors.Slice(columns[j] * k, k));
            var confidence = 1.0 + (double)alpha * weights[j];
            correction += confidence * (1 - s) * (1 - s) - s * s;
        }
        return quadratic + correction;
    }

    /// <summary>The whole objective of <paramref name="model"/> on <paramref name="data"/> (the model's rows cover the data's).</summary>
    public static double Loss(ImplicitModel model, InteractionDataset data, float alpha, float lambda)
    {
        var k = model.Factors;
        var itemGram = GramMatrix.Compute(model.ItemFactors, model.ItemCount, k);
        double loss = 0;
        var rows = data.ByUser;
        for (var u = 0; u < rows.RowCount; u++)
            loss += RowLoss(rows.RowColumns(u), rows.RowValues(u), model.UserVector(u), model.ItemFactors, itemGram, alpha);
        return loss + lambda * (SquaredNorm(model.UserFactors.AsSpan(0, model.UserCount * k)) + SquaredNorm(model.ItemFactors.AsSpan(0, model.ItemCount * k)));
    }

    private static double SquaredNorm(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values) sum += (double)v * v;
        return sum;
    }
}
