using System.Collections.Concurrent;
using OnlineRec.Core.Model;

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
        var rowCount = Rows.RowCount;
        var factors = new float[rowCount * k];
        var bias = new float[rowCount];
        var failed = new ConcurrentBag<int>();
        var errors = new ConcurrentBag<(double Sum, long Count)>();
        if (rowCount > 0)
        {
            var workers = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
            var rangeSize = Math.Clamp(rowCount / (workers * 16), 4, 256);
            var rowSettings = settings;
            Parallel.ForEach(
                System.Collections.Concurrent.Partitioner.Create(0, rowCount, rangeSize),
                new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
                () => new RowSolveWorkspace(k, rowSettings.SolveBias),
                (range, _, workspace) =>
                {
                    double sum = 0;
                    long count = 0;
                    for (var row = range.Item1; row < range.Item2; row++)
                    {
                        var target = factors.AsSpan(row * k, k);
                        // One row at a time so a failed row is known by position (SolveRows only counts them).
                        if (AlsSolver.SolveRows(Rows, row, 1, fixedSide.Factors, fixedSide.Bias, fixedSide.GlobalMean,
                                target, bias.AsSpan(row, 1), rowSettings, workspace) > 0)
                        {
                            failed.Add(row);
                            continue;
                        }
                        AddSquaredError(row, target, bias[row], fixedSide, k, ref sum, ref count);
                    }
                    errors.Add((sum, count));
                    return workspace;
                },
                _ => { });
        }
        var failedRows = failed.ToArray();
        Array.Sort(failedRows);
        return new ShardSolution(GlobalRows, factors, bias, failedRows, errors.Sum(e => e.Sum), errors.Sum(e => e.Count));
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
