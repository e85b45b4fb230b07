using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>ALS to get near the optimum quickly, then a few SGD epochs from there. Both must use the same factor count.</summary>
public sealed record AlsSgdOptions
{
    // Tuned jointly: a slightly stronger ALS λ than ALS alone wants, then a short, decaying SGD walk whose total
    // step Σηₜ ≈ 0.05 stops well before SGD's own optimum (which generalises worse than the midway point).
    public AlsOptions Als { get; init; } = new() { FactorLambda = 1.6f };

    public SgdOptions Sgd { get; init; } = new()
    {
        Factors = 64,
        Epochs = 30,
        LearningRate = 0.005f,
        LearningRateDecay = 0.9f,
        FactorLambda = 0.05f,
        BiasLambda = 0.01f,
    };

    public void Validate()
    {
        Als.Validate();
        Sgd.Validate();
        if (Als.Factors != Sgd.Factors)
            throw new ArgumentException($"ALS ({Als.Factors}) and SGD ({Sgd.Factors}) factor counts differ.");
    }
}

/// <summary>
/// "als+sgd": ALS (√n-scaled λ) lands close to a good optimum in a few iterations; SGD epochs warm-started from
/// it then move to the per-rating-regularised optimum, which on MovieLens generalises slightly better.
/// </summary>
public sealed class AlsSgdTrainer(AlsSgdOptions? options = null) : IMfTrainer
{
    public AlsSgdOptions Options { get; } = options ?? new AlsSgdOptions();

    public string Name => "als+sgd";

    public MfModel Train(RatingDataset data, MfModel? warmStart = null, Action<TrainingProgress>? onIteration = null)
    {
        Options.Validate();
        var model = new AlsTrainer(Options.Als).Train(data, warmStart, onIteration);
        new SgdTrainer(Options.Sgd).Refine(model, data, new Random(Options.Sgd.Seed), onIteration);
        return model;
    }
}
