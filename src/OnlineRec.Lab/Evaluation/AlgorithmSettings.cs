using OnlineRec.Core.Training;
using OnlineRec.Lab.Bpmf;

namespace OnlineRec.Lab.Evaluation;

/// <summary>
/// Hyperparameters given on the command line; null means "the trainer's tuned default". Which ones an algorithm
/// uses is listed by <see cref="AlgorithmCatalog"/>.
/// </summary>
public sealed record AlgorithmSettings
{
    public int? Factors { get; init; }
    public int? Iterations { get; init; }
    public int? Epochs { get; init; }
    public float? Lambda { get; init; }
    public float? BiasLambda { get; init; }
    public float? LearningRate { get; init; }
    public int? Seed { get; init; }
    public int? Samples { get; init; }
    public int? BurnIn { get; init; }
}

/// <summary>The algorithms <c>evaluate</c> knows, built from their tuned defaults plus command-line overrides.</summary>
public static class AlgorithmCatalog
{
    public const string Als = "als";
    public const string Sgd = "sgd";
    public const string AlsSgd = "als+sgd";
    public const string Bpmf = "bpmf";

    public static IReadOnlyList<string> Names { get; } = [Als, Sgd, AlsSgd, Bpmf];

    public static IRatingTrainer Create(string name, AlgorithmSettings s) => name switch
    {
        Als => new AlsTrainer(ApplyTo(new AlsOptions(), s)),
        Sgd => new SgdTrainer(ApplyTo(new SgdOptions(), s)),
        AlsSgd => new AlsSgdTrainer(ApplyTo(new AlsSgdOptions(), s)),
        Bpmf => new BpmfTrainer(ApplyTo(new BpmfOptions(), s)),
        _ => throw new ArgumentException($"Unknown algorithm '{name}'; expected one of {string.Join(", ", Names)}."),
    };

    /// <summary>A one-line summary of the effective hyperparameters, for the report header.</summary>
    public static string Describe(IRatingTrainer trainer) => trainer switch
    {
        AlsTrainer t => Describe(t.Options),
        SgdTrainer t => Describe(t.Options),
        AlsSgdTrainer t => $"{Describe(t.Options.Als)}; then {Describe(t.Options.Sgd)}",
        BpmfTrainer t => $"k={t.Options.Factors} burn-in={t.Options.BurnIn} samples={t.Options.Samples} α={(t.Options.SampleNoisePrecision ? "sampled" : t.Options.NoisePrecision)} seed={t.Options.Seed}",
        _ => trainer.Name,
    };

    /// <summary>Settings the algorithm ignores (so the command can say so rather than silently drop them).</summary>
    public static IEnumerable<string> Ignored(string name, AlgorithmSettings s)
    {
        bool uses(string option) => name switch
        {
            Als => option is "iterations" or "lambda" or "bias-lambda",
            Sgd => option is "epochs" or "lambda" or "bias-lambda" or "learning-rate",
            AlsSgd => option is "iterations" or "epochs" or "lambda" or "bias-lambda" or "learning-rate",
            Bpmf => option is "samples" or "burn-in",
            _ => false,
        };
        (string Option, object? Value)[] given =
        [
            ("iterations", s.Iterations), ("epochs", s.Epochs), ("lambda", s.Lambda), ("bias-lambda", s.BiasLambda),
            ("learning-rate", s.LearningRate), ("samples", s.Samples), ("burn-in", s.BurnIn),
        ];
        return given.Where(g => g.Value is not null && !uses(g.Option)).Select(g => "--" + g.Option);
    }

    private static AlsOptions ApplyTo(AlsOptions o, AlgorithmSettings s) => o with
    {
        Factors = s.Factors ?? o.Factors,
        Iterations = s.Iterations ?? o.Iterations,
        FactorLambda = s.Lambda ?? o.FactorLambda,
        BiasLambda = s.BiasLambda ?? o.BiasLambda,
        Seed = s.Seed ?? o.Seed,
    };

    private static SgdOptions ApplyTo(SgdOptions o, AlgorithmSettings s) => o with
    {
        Factors = s.Factors ?? o.Factors,
        Epochs = s.Epochs ?? o.Epochs,
        FactorLambda = s.Lambda ?? o.FactorLambda,
        BiasLambda = s.BiasLambda ?? o.BiasLambda,
        LearningRate = s.LearningRate ?? o.LearningRate,
        Seed = s.Seed ?? o.Seed,
    };

    // λ and bias λ go to the ALS phase (√n-scaled, per row); the SGD phase keeps its tuned per-step values.
    private static AlsSgdOptions ApplyTo(AlsSgdOptions o, AlgorithmSettings s) => o with
    {
        Als = ApplyTo(o.Als, s),
        Sgd = o.Sgd with
        {
            Factors = s.Factors ?? o.Sgd.Factors,
            Epochs = s.Epochs ?? o.Sgd.Epochs,
            LearningRate = s.LearningRate ?? o.Sgd.LearningRate,
            Seed = s.Seed ?? o.Sgd.Seed,
        },
    };

    private static BpmfOptions ApplyTo(BpmfOptions o, AlgorithmSettings s) => o with
    {
        Factors = s.Factors ?? o.Factors,
        Samples = s.Samples ?? o.Samples,
        BurnIn = s.BurnIn ?? o.BurnIn,
        Seed = s.Seed ?? o.Seed,
    };

    private static string Describe(AlsOptions o) =>
        $"ALS k={o.Factors} iterations={o.Iterations} λ={o.FactorLambda}·{Scaling(o.FactorScaling)} λ_b={o.BiasLambda}·{Scaling(o.BiasScaling)} seed={o.Seed}";

    private static string Describe(SgdOptions o) =>
        $"SGD k={o.Factors} epochs={o.Epochs} η={o.LearningRate}×{o.LearningRateDecay}/epoch λ={o.FactorLambda} λ_b={o.BiasLambda} seed={o.Seed}";

    private static string Scaling(RegularizationScaling s) => s switch
    {
        RegularizationScaling.Count => "n",
        RegularizationScaling.SqrtCount => "√n",
        _ => "1",
    };
}
