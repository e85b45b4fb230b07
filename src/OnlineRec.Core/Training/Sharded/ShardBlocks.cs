using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>How a coordinator writes the blocks shards return into the model it trains.</summary>
internal static class ShardBlocks
{
    /// <summary>
    /// Copies a shard's rows into <paramref name="factors"/> (and <paramref name="bias"/> unless null), marking them in
    /// <paramref name="solved"/>. A failed row keeps its previous values, as the single-process solvers do; a row out of
    /// range, owned twice, or non-finite fails the retrain.
    /// </summary>
    private static void Scatter(ShardSolution solution, float[] factors, float[]? bias, bool[] solved, int k)
    {
        var rows = solution.Rows;
        if (solution.Factors.Length != rows.Length * k || (bias is not null && solution.Bias.Length != rows.Length))
            throw new InvalidOperationException("A shard returned a block whose size does not match its rows.");
        var failed = new HashSet<int>(solution.FailedRows);
        for (var j = 0; j < rows.Length; j++)
        {
            var row = rows[j];
            if ((uint)row >= (uint)solved.Length || solved[row])
                throw new InvalidOperationException($"A shard returned row {row}, which is out of range or owned by another shard.");
            solved[row] = true;
            if (failed.Contains(j)) continue;
            var values = solution.Factors.AsSpan(j * k, k);
            if (!VectorMath.AllFinite(values) || (bias is not null && !float.IsFinite(solution.Bias[j])))
                throw new InvalidOperationException($"A shard returned non-finite values for row {row}.");
            values.CopyTo(factors.AsSpan(row * k, k));
            if (bias is not null) bias[row] = solution.Bias[j];
        }
    }

    /// <summary>
    /// Scatters every shard's block of one half-step into the solved side (<paramref name="rowCount"/> rows) and zeroes
    /// the rows no shard returned: they have no data, so zero is their minimiser, as in the single-process solvers.
    /// Returns the blocks' summed training error and data count.
    /// </summary>
    public static (double Error, long Count) ScatterAll(IEnumerable<ShardSolution> solutions, float[] factors, float[]? bias, int rowCount, int k)
    {
        var solved = new bool[rowCount];
        double error = 0;
        long count = 0;
        foreach (var solution in solutions)
        {
            Scatter(solution, factors, bias, solved, k);
            error += solution.SquaredError;
            count += solution.Ratings;
        }
        for (var row = 0; row < rowCount; row++)
        {
            if (solved[row]) continue;
            factors.AsSpan(row * k, k).Clear();
            if (bias is not null) bias[row] = 0f;
        }
        return (error, count);
    }
}
