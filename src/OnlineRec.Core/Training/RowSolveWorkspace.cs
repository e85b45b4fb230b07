namespace OnlineRec.Core.Training;

/// <summary>
/// Scratch buffers for solving one row's (k+1)×(k+1) system at a time. One per worker thread, reused for every row
/// it solves, so a half-step allocates nothing per row. Not thread-safe.
/// </summary>
public sealed class RowSolveWorkspace
{
    internal const int BatchSize = 4;

    public RowSolveWorkspace(int factors, bool includeBias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        Factors = factors;
        IncludeBias = includeBias;
        Dimension = factors + (includeBias ? 1 : 0);
        Stride = DenseKernels.PaddedStride(Dimension);
        Gram = new float[Dimension * Stride];
        Rhs = new float[Stride];
        Batch = new float[BatchSize * Stride];
    }

    public int Factors { get; }
    public bool IncludeBias { get; }

    /// <summary>Unknowns per row: k factors, then the bias when included.</summary>
    public int Dimension { get; }

    internal int Stride { get; }
    internal float[] Gram { get; }
    internal float[] Rhs { get; }
    internal float[] Batch { get; }
}
