using MathNet.Numerics.LinearAlgebra;
using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>Which dense solver an ALS row solve uses.</summary>
public enum DenseSolver
{
    /// <summary>The in-place float Cholesky of <see cref="UpperCholesky"/>: no allocation, vectorised. The default.</summary>
    Cholesky,

    /// <summary>MathNet.Numerics' double-precision Cholesky: the reference (allocates per row).</summary>
    MathNet,
}

/// <summary>What a row solve needs to know besides the data: factor count, whether a bias is solved jointly, the penalty.</summary>
public readonly record struct AlsRowSettings(int Factors, bool SolveBias, Regularization Regularization, DenseSolver Solver = DenseSolver.Cholesky);

/// <summary>
/// The ALS half-step: each row of one side solved exactly given the other side, independently of every other row.
/// Row r with ratings (j, r_j) minimises Σ_j (r_j − μ − b_j − b_r − p_r·q_j)² + λ_f s(n)‖p_r‖² + λ_b s_b(n) b_r²,
/// i.e. solves the (k+1)-system for [p_r, b_r]. The row-range entry point lets a caller (e.g. a worker grain)
/// solve any shard of rows with its own buffers; <see cref="SolveAllRows"/> spreads all rows over the cores.
/// </summary>
public static class AlsSolver
{
    /// <summary>
    /// Solves rows [<paramref name="start"/>, start+count) of <paramref name="rows"/> given the fixed side.
    /// Row start+j writes outFactors[j·k .. (j+1)·k) and outBias[j] (outBias may be empty when biases are not solved).
    /// A row without ratings gets zeros (the minimiser of its penalty). A row whose system is not numerically
    /// positive definite keeps the values already in the outputs, so nothing non-finite is ever written.
    /// Returns the number of such kept rows.
    /// </summary>
    public static int SolveRows(SparseRows rows, int start, int count,
        ReadOnlySpan<float> fixedFactors, ReadOnlySpan<float> fixedBias, float globalMean,
        Span<float> outFactors, Span<float> outBias, in AlsRowSettings settings, RowSolveWorkspace workspace)
    {
        var k = settings.Factors;
        if (workspace.Factors != k || workspace.IncludeBias != settings.SolveBias)
            throw new ArgumentException("Workspace does not match the settings' factor count / bias flag.", nameof(workspace));
        if (start < 0 || count < 0 || start + count > rows.RowCount) throw new ArgumentOutOfRangeException(nameof(count));
        if (outFactors.Length < count * k || (settings.SolveBias && outBias.Length < count))
            throw new ArgumentException("Output spans are shorter than the row range.");

        var failures = 0;
        for (var j = 0; j < count; j++)
        {
            var row = start + j;
            var target = outFactors.Slice(j * k, k);
            var n = rows.RowLength(row);
            if (n == 0)
            {
                target.Clear();
                if (settings.SolveBias) outBias[j] = 0f;
                continue;
            }

            RowSystem.Accumulate(workspace, rows.RowColumns(row), rows.RowValues(row), fixedFactors, fixedBias, globalMean);
            AddPenalty(workspace, settings.Regularization, n);
            var solution = workspace.Rhs.AsSpan(0, workspace.Dimension);
            var solved = settings.Solver == DenseSolver.MathNet
                ? TrySolveWithMathNet(workspace, solution)
                : TrySolveWithCholesky(workspace, solution);
            if (!solved || !VectorMath.AllFinite(solution))
            {
                failures++;
                continue;
            }
            solution[..k].CopyTo(target);
            if (settings.SolveBias) outBias[j] = solution[k];
        }
        return failures;
    }

    /// <summary>
    /// Solves every row of <paramref name="rows"/> in parallel (dynamic range partitioning; one workspace per worker).
    /// Each row's result depends only on the fixed side, so the outcome is independent of scheduling.
    /// </summary>
    public static int SolveAllRows(SparseRows rows, float[] fixedFactors, float[] fixedBias, float globalMean,
        float[] outFactors, float[] outBias, AlsRowSettings settings, int maxDegreeOfParallelism = -1)
    {
        var k = settings.Factors;
        return RowRanges.ForEach(rows.RowCount, maxDegreeOfParallelism, () => new RowSolveWorkspace(k, settings.SolveBias),
            (from, to, workspace) => SolveRows(rows, from, to - from, fixedFactors, fixedBias, globalMean,
                outFactors.AsSpan(from * k, (to - from) * k),
                settings.SolveBias ? outBias.AsSpan(from, to - from) : Span<float>.Empty,
                settings, workspace));
    }

    /// <summary>Half-step on a model: solve every user row given the item side. Returns rows left unchanged.</summary>
    public static int SolveUsers(MfModel model, RatingDataset data, in AlsRowSettings settings, int maxDegreeOfParallelism = -1)
    {
        EnsureRows(model, data);
        return SolveAllRows(data.ByUser, model.ItemFactors, settings.SolveBias ? model.ItemBias : [], model.GlobalMean,
            model.UserFactors, model.UserBias, settings, maxDegreeOfParallelism);
    }

    /// <summary>Half-step on a model: solve every item row given the user side. Returns rows left unchanged.</summary>
    public static int SolveItems(MfModel model, RatingDataset data, in AlsRowSettings settings, int maxDegreeOfParallelism = -1)
    {
        EnsureRows(model, data);
        return SolveAllRows(data.ByItem, model.UserFactors, settings.SolveBias ? model.UserBias : [], model.GlobalMean,
            model.ItemFactors, model.ItemBias, settings, maxDegreeOfParallelism);
    }

    private static void EnsureRows(MfModel model, RatingDataset data)
    {
        if (model.UserCount < data.Users.Count || model.ItemCount < data.Items.Count)
            throw new ArgumentException("The model has fewer rows than the dataset has ids; call MfModel.EnsureCapacity first.");
    }

    private static void AddPenalty(RowSolveWorkspace ws, in Regularization regularization, int ratingCount)
    {
        var factorPenalty = regularization.FactorPenalty(ratingCount);
        var gram = ws.Gram;
        var stride = ws.Stride;
        for (var a = 0; a < ws.Factors; a++) gram[a * stride + a] += factorPenalty;
        if (ws.IncludeBias) gram[ws.Factors * stride + ws.Factors] += regularization.BiasPenalty(ratingCount);
    }

    private static bool TrySolveWithCholesky(RowSolveWorkspace ws, Span<float> rhsToSolution)
    {
        if (!UpperCholesky.TryFactor(ws.Gram, ws.Dimension, ws.Stride)) return false;
        UpperCholesky.Solve(ws.Gram, ws.Dimension, ws.Stride, rhsToSolution);
        return true;
    }

    private static bool TrySolveWithMathNet(RowSolveWorkspace ws, Span<float> rhsToSolution)
    {
        var d = ws.Dimension;
        var matrix = Matrix<double>.Build.Dense(d, d);
        for (var a = 0; a < d; a++)
            for (var c = a; c < d; c++)
            {
                var value = ws.Gram[a * ws.Stride + c];
                matrix[a, c] = value;
                matrix[c, a] = value;
            }
        var rhs = Vector<double>.Build.Dense(d);
        for (var i = 0; i < d; i++) rhs[i] = rhsToSolution[i];
        try
        {
            var solution = matrix.Cholesky().Solve(rhs);
            for (var i = 0; i < d; i++) rhsToSolution[i] = (float)solution[i];
            return true;
        }
        catch (ArgumentException)
        {
            return false; // MathNet reports a non-positive-definite matrix this way.
        }
    }
}
