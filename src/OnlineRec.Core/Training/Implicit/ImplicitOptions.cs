using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Implicit;

/// <summary>How an implicit-ALS row system is solved.</summary>
public enum ImplicitSolver
{
    /// <summary>Builds the k×k system and factors it (<see cref="UpperCholesky"/>): exact, O(n·k² + k³) per row.</summary>
    Cholesky = 0,

    /// <summary>
    /// A few conjugate-gradient steps warm-started from the row's current vector, never forming the matrix:
    /// O(s·(k² + n·k)) per row. Each sweep moves the rows closer to the exact solution they are already near.
    /// </summary>
    ConjugateGradient = 1,
}

/// <summary>What one row solve needs besides the data: k, the confidence scale α, the ridge λ, the solver.</summary>
public readonly record struct ImplicitRowSettings(int Factors, float Alpha, float Lambda, ImplicitSolver Solver = ImplicitSolver.Cholesky, int CgSteps = 3)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Factors, 1, nameof(Factors));
        if (!float.IsFinite(Alpha) || Alpha < 0) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "α must be finite and ≥ 0.");
        if (!float.IsFinite(Lambda) || Lambda <= 0) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "λ must be finite and > 0 (it keeps every row system positive definite).");
        if (!Enum.IsDefined(Solver)) throw new ArgumentOutOfRangeException(nameof(Solver), Solver, "Unknown solver.");
        ArgumentOutOfRangeException.ThrowIfLessThan(CgSteps, 1, nameof(CgSteps));
    }
}

/// <summary>
/// Options of implicit ALS (Hu, Koren, Volinsky 2008): minimise Σ_{all u,i} c_ui (p_ui − x_u·y_i)² + λ(Σ‖x_u‖² + Σ‖y_i‖²)
/// with p = 1 for interacted pairs (0 otherwise) and c = 1 + α·w. The defaults are tuned on MovieLens 100K u1..u5 by
/// mean P@10 and NDCG@10 (<c>evaluate --task ranking</c>): on ratings a small α and a large λ win (α = 40, the paper's
/// value for play counts, loses a third of P@10); k between 48 and 128 and α between 0.7 and 1.5 (with λ scaled
/// alike) sit on a plateau; λ is sharp (±30 % costs 0.015–0.025 P@10). λ is absolute, so a much larger catalogue
/// wants it re-tuned. Conjugate gradient reaches the exact solver's lists in less time at every k from 32 to 128
/// (<c>ImplicitTrainingBenchmarks</c>), and 10 sweeps are as good as 15 or 20.
/// </summary>
public sealed record ImplicitOptions
{
    public int Factors { get; init; } = 64;
    public int Sweeps { get; init; } = 10;
    public float Alpha { get; init; } = 1f;
    public float Lambda { get; init; } = 22f;
    public ImplicitSolver Solver { get; init; } = ImplicitSolver.ConjugateGradient;

    /// <summary>Conjugate-gradient steps per row and sweep (<see cref="ImplicitSolver.ConjugateGradient"/>).</summary>
    public int CgSteps { get; init; } = 3;

    /// <summary>Standard deviation of the random initial factors (cold start and new rows of a warm start).</summary>
    public float InitStd { get; init; } = 0.01f;
    public int Seed { get; init; } = 42;

    /// <summary>−1: all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>How ratings and events become weights, and how popularity decays.</summary>
    public InteractionOptions Interactions { get; init; } = new();

    public ImplicitRowSettings RowSettings => new(Factors, Alpha, Lambda, Solver, CgSteps);

    public void Validate()
    {
        RowSettings.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(Sweeps, 0, nameof(Sweeps));
        if (!float.IsFinite(InitStd) || InitStd < 0) throw new ArgumentOutOfRangeException(nameof(InitStd), InitStd, "Must be finite and ≥ 0.");
        ArgumentNullException.ThrowIfNull(Interactions);
        Interactions.Validate();
    }
}
