namespace OnlineRec.Core.Training.Implicit;

/// <summary>
/// Scratch buffers for one implicit row solve at a time (the k×k system, right-hand side, conjugate-gradient vectors).
/// One per thread, reused for every row it solves, so neither a sweep nor an online fold-in allocates per row.
/// Not thread-safe.
/// </summary>
public sealed class ImplicitSolveWorkspace
{
    internal const int BatchSize = 4;

    public ImplicitSolveWorkspace(int factors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        Factors = factors;
        Stride = DenseKernels.PaddedStride(factors);
        Matrix = new float[factors * Stride];
        Rhs = new float[Stride];
        Batch = new float[BatchSize * Stride];
        Residual = new float[Stride];
        Direction = new float[Stride];
        Product = new float[Stride];
        Solution = new float[Stride];
    }

    public int Factors { get; }

    internal int Stride { get; }
    internal float[] Matrix { get; }
    internal float[] Rhs { get; }
    internal float[] Batch { get; }
    internal float[] Residual { get; }
    internal float[] Direction { get; }
    internal float[] Product { get; }
    internal float[] Solution { get; }
}
