namespace OnlineRec.Core.Training;

/// <summary>
/// Builds the normal equations of one row: with z_j = [q_j, 1] (the fixed side's factors, then 1 for the bias)
/// and targets t_j = r_j − μ − b_j, accumulates G = Σ z_j z_jᵀ (upper triangle) and h = Σ t_j z_j.
/// ALS adds the penalty to G's diagonal and solves; BPMF adds a prior precision and samples.
/// </summary>
internal static class RowSystem
{
    public static void Accumulate(RowSolveWorkspace ws, ReadOnlySpan<int> columns, ReadOnlySpan<float> values,
        ReadOnlySpan<float> fixedFactors, ReadOnlySpan<float> fixedBias, float globalMean)
    {
        var k = ws.Factors;
        var stride = ws.Stride;
        var dimension = ws.Dimension;
        var gram = ws.Gram.AsSpan();
        var rhs = ws.Rhs.AsSpan();
        var batch = ws.Batch.AsSpan();
        gram.Clear();
        rhs.Clear();

        var filled = 0;
        for (var j = 0; j < columns.Length; j++)
        {
            var column = columns[j];
            var z = batch.Slice(filled * stride, stride);
            fixedFactors.Slice(column * k, k).CopyTo(z);
            if (ws.IncludeBias) z[k] = 1f;
            var target = values[j] - globalMean - (fixedBias.IsEmpty ? 0f : fixedBias[column]);
            DenseKernels.AddScaled(rhs[..dimension], target, z[..dimension]);
            if (++filled == RowSolveWorkspace.BatchSize)
            {
                DenseKernels.AddRank4Upper(gram, batch, dimension, stride);
                filled = 0;
            }
        }
        if (filled > 0)
        {
            // Unused batch rows contribute nothing once zeroed (their padding is zero already).
            batch[(filled * stride)..].Clear();
            DenseKernels.AddRank4Upper(gram, batch, dimension, stride);
        }
    }
}
