using System.Collections.Concurrent;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training.Implicit;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>The fixed side of a half-step: every row's factors (row-major, k per row) and biases, and μ.</summary>
public sealed record FixedSide(float[] Factors, float[] Bias, float GlobalMean);

/// <summary>
/// What a shard sends back for one half-step, as one block: its rows' global indices, their new factors (k per row,
/// in <see cref="Rows"/> order) and biases. <see cref="FailedRows"/> lists positions in <see cref="Rows"/> whose system
/// was not positive definite: the coordinator keeps their previous values (their entries here are zero).
/// <see cref="SquaredError"/>/<see cref="Ratings"/>: the shard's training error with the new rows against the fixed side.
/// </summary>
public sealed record ShardSolution(int[] Rows, float[] Factors, float[] Bias, int[] FailedRows, double SquaredError, long Ratings);

/// <summary>
/// The fixed side of a ranking-model half-step: its factors (k per row), their Gram matrix FᵀF (k×k, computed once by
/// the coordinator), and the current vectors of the rows this shard solves (k per row, in the shard's row order),
/// from which conjugate gradient starts; empty for exact solves, which need no start.
/// </summary>
public sealed record ImplicitFixedSide(float[] Factors, float[] Gram, float[] Start);

/// <summary>One shard's rows of one side, local row j = global row <see cref="GlobalRows"/>[j]; columns are global.</summary>
public sealed class ShardRows(ShardSide side, int[] globalRows, SparseRows rows)
{
    public ShardSide Side { get; } = side;
    public int[] GlobalRows { get; } = globalRows;
    public SparseRows Rows { get; } = rows;
    public int RatingCount => Rows.Offsets[^1];

    /// <summary>Solves every row given the fixed side (parallel over rows; the result does not depend on scheduling).</summary>
    public ShardSolution Solve(FixedSide fixedSide, in AlsRowSettings settings, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(fixedSide);
        var k = settings.Factors;
        var rowSettings = settings;
        var factors = new float[Rows.RowCount * k];
        var bias = new float[Rows.RowCount];
        var (failedRows, error, count) = SolveInParallel(maxDegreeOfParallelism, () => new RowSolveWorkspace(k, rowSettings.SolveBias),
            (int row, RowSolveWorkspace workspace, ref double sum, ref long ratings) =>
            {
                var target = factors.AsSpan(row * k, k);
                // One row at a time so a failed row is known by position (SolveRows only counts them).
                if (AlsSolver.SolveRows(Rows, row, 1, fixedSide.Factors, fixedSide.Bias, fixedSide.GlobalMean,
                        target, bias.AsSpan(row, 1), rowSettings, workspace) > 0)
                    return false;
                AddSquaredError(row, target, bias[row], fixedSide, k, ref sum, ref ratings);
                return true;
            });
        return new ShardSolution(GlobalRows, factors, bias, failedRows, error, count);
    }

    /// <summary>
    /// Solves every row's implicit-ALS system (values are interaction weights) given the fixed side; parallel over rows,
    /// independent of scheduling. A failed row keeps its start (its entry is listed in <see cref="ShardSolution.FailedRows"/>).
    /// <see cref="ShardSolution.SquaredError"/> carries the solved rows' part of the objective's data term
    /// (<see cref="ImplicitObjective.RowLoss"/>), <see cref="ShardSolution.Ratings"/> their interactions; no biases.
    /// </summary>
    public ShardSolution SolveImplicit(ImplicitFixedSide fixedSide, in ImplicitRowSettings settings, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(fixedSide);
        settings.Validate();
        var k = settings.Factors;
        var rowSettings = settings;
        if (fixedSide.Gram.Length != k * k) throw new ArgumentException($"The Gram matrix has {fixedSide.Gram.Length} entries, not {k}×{k}.", nameof(fixedSide));
        var factors = new float[Rows.RowCount * k];
        if (fixedSide.Start.Length == factors.Length) fixedSide.Start.CopyTo(factors, 0);
        else if (fixedSide.Start.Length != 0 || settings.Solver == ImplicitSolver.ConjugateGradient)
            throw new ArgumentException($"The start holds {fixedSide.Start.Length} floats, the shard's {Rows.RowCount} rows need {factors.Length}.", nameof(fixedSide));
        var (failedRows, loss, count) = SolveInParallel(maxDegreeOfParallelism, () => new ImplicitSolveWorkspace(k),
            (int row, ImplicitSolveWorkspace workspace, ref double sum, ref long interactions) =>
            {
                var vector = factors.AsSpan(row * k, k);
                var columns = Rows.RowColumns(row);
                var weights = Rows.RowValues(row);
                if (!ImplicitRowSolver.TrySolve(columns, weights, fixedSide.Factors, fixedSide.Gram, rowSettings, workspace, vector)) return false;
                sum += ImplicitObjective.RowLoss(columns, weights, vector, fixedSide.Factors, fixedSide.Gram, rowSettings.Alpha);
                interactions += columns.Length;
                return true;
            });
        return new ShardSolution(GlobalRows, factors, [], failedRows, loss, count);
    }

    private delegate bool RowSolve<TWorkspace>(int row, TWorkspace workspace, ref double sum, ref long count);

    // Every row once, in ranges balanced over the workers (one workspace each); a row whose solve fails is listed by
    // position, the others add their training error and data count.
    private (int[] FailedRows, double Sum, long Count) SolveInParallel<TWorkspace>(int maxDegreeOfParallelism, Func<TWorkspace> createWorkspace,
        RowSolve<TWorkspace> solveRow)
    {
        var failed = new ConcurrentBag<int>();
        var totals = new ConcurrentBag<(double Sum, long Count)>();
        RowRanges.ForEach(Rows.RowCount, maxDegreeOfParallelism, createWorkspace, (from, to, workspace) =>
        {
            double sum = 0;
            long count = 0;
            for (var row = from; row < to; row++)
                if (!solveRow(row, workspace, ref sum, ref count)) failed.Add(row);
            totals.Add((sum, count));
            return 0;
        });
        var failedRows = failed.ToArray();
        Array.Sort(failedRows);
        return (failedRows, totals.Sum(e => e.Sum), totals.Sum(e => e.Count));
    }

    // Error of the row's ratings with its new values; rows that failed keep old values elsewhere and are left out.
    private void AddSquaredError(int row, ReadOnlySpan<float> vector, float rowBias, FixedSide fixedSide, int k, ref double sum, ref long count)
    {
        var columns = Rows.RowColumns(row);
        var values = Rows.RowValues(row);
        for (var e = 0; e < columns.Length; e++)
        {
            var c = columns[e];
            var predicted = fixedSide.GlobalMean + rowBias + fixedSide.Bias[c] + VectorMath.Dot(vector, fixedSide.Factors.AsSpan(c * k, k));
            var error = values[e] - predicted;
            sum += error * error;
            count++;
        }
    }
}
