using System.Collections.Concurrent;

namespace OnlineRec.Core.Training;

/// <summary>
/// Runs a per-row kernel over rows [0, n) on the cores: dynamic ranges small enough to balance rows of very different
/// lengths and large enough to amortise scheduling, one workspace per worker (created once, reused for every row
/// it solves). The kernels write disjoint rows, so their results do not depend on scheduling.
/// </summary>
internal static class RowRanges
{
    /// <summary>Calls <paramref name="solveRange"/>(from, to, workspace) over every range; returns the sum of what it returns (e.g. failed rows).</summary>
    public static int ForEach<TWorkspace>(int rowCount, int maxDegreeOfParallelism, Func<TWorkspace> createWorkspace,
        Func<int, int, TWorkspace, int> solveRange)
    {
        if (rowCount == 0) return 0;
        var total = 0;
        var workers = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        var rangeSize = Math.Clamp(rowCount / (workers * 16), 4, 256);
        Parallel.ForEach(
            Partitioner.Create(0, rowCount, rangeSize),
            new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            createWorkspace,
            (range, _, workspace) =>
            {
                var result = solveRange(range.Item1, range.Item2, workspace);
                if (result != 0) Interlocked.Add(ref total, result);
                return workspace;
            },
            _ => { });
        return total;
    }
}
