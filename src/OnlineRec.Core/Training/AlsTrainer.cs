using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>Options of biased ALS. The defaults are tuned on MovieLens 100K (see BENCHMARKS.md).</summary>
public sealed record AlsOptions
{
    public int Factors { get; init; } = 64;
    public int Iterations { get; init; } = 15;
    public float FactorLambda { get; init; } = 1.3f;
    public float BiasLambda { get; init; } = 2f;
    public RegularizationScaling FactorScaling { get; init; } = RegularizationScaling.SqrtCount;
    public RegularizationScaling BiasScaling { get; init; } = RegularizationScaling.None;

    /// <summary>Standard deviation of the random initial factors (cold start and new rows of a warm start).</summary>
    public float InitStd { get; init; } = 0.1f;
    public int Seed { get; init; } = 42;

    /// <summary>−1: all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
    public DenseSolver Solver { get; init; } = DenseSolver.Cholesky;

    public Regularization Regularization => new(FactorLambda, BiasLambda, FactorScaling, BiasScaling);

    public AlsRowSettings RowSettings => new(Factors, SolveBias: true, Regularization, Solver);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Factors, 1, nameof(Factors));
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 0, nameof(Iterations));
        Regularization.Validate();
        if (!float.IsFinite(InitStd) || InitStd < 0) throw new ArgumentOutOfRangeException(nameof(InitStd), InitStd, "Must be finite and ≥ 0.");
    }
}

/// <summary>
/// Biased alternating least squares: each iteration solves every user's [b_u, p_u] given the items, then every
/// item's [b_i, q_i] given the users (μ stays the dataset mean). Each half-step minimises the objective exactly over
/// its side, so <see cref="MfObjective"/> never increases. Deterministic for a seed, whatever the thread count.
/// </summary>
public sealed class AlsTrainer(AlsOptions? options = null) : IMfTrainer
{
    public AlsOptions Options { get; } = options ?? new AlsOptions();

    public string Name => "als";

    public MfModel Train(RatingDataset data, MfModel? warmStart = null, Action<TrainingProgress>? onIteration = null)
    {
        Options.Validate();
        var model = ModelInitializer.Create(data, Options.Factors, Options.InitStd, new Random(Options.Seed), warmStart);
        Refine(model, data, onIteration);
        return model;
    }

    /// <summary>Runs the configured iterations on <paramref name="model"/> in place (it must cover the dataset's ids).</summary>
    public void Refine(MfModel model, RatingDataset data, Action<TrainingProgress>? onIteration = null)
    {
        var settings = Options.RowSettings;
        for (var iteration = 1; iteration <= Options.Iterations; iteration++)
        {
            AlsSolver.SolveUsers(model, data, settings, Options.MaxDegreeOfParallelism);
            AlsSolver.SolveItems(model, data, settings, Options.MaxDegreeOfParallelism);
            onIteration?.Invoke(new TrainingProgress(Name, iteration, model));
        }
    }
}
