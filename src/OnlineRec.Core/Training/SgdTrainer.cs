using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>Options of the biased SGD trainer. The defaults are tuned on MovieLens 100K (see BENCHMARKS.md).</summary>
public sealed record SgdOptions
{
    public int Factors { get; init; } = 128;
    public int Epochs { get; init; } = 60;
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>The learning rate is multiplied by this after every epoch (1 = constant).</summary>
    public float LearningRateDecay { get; init; } = 0.95f;

    /// <summary>Per-step λ; summed over a row's n ratings this is the λ·n penalty of <see cref="RegularizationScaling.Count"/>.</summary>
    public float FactorLambda { get; init; } = 0.08f;
    public float BiasLambda { get; init; } = 0.01f;
    public float InitStd { get; init; } = 0.1f;
    public int Seed { get; init; } = 42;

    /// <summary>The penalty the per-step regularisation amounts to, for <see cref="MfObjective"/>.</summary>
    public Regularization Regularization => new(FactorLambda, BiasLambda, RegularizationScaling.Count, RegularizationScaling.Count);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Factors, 1, nameof(Factors));
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 0, nameof(Epochs));
        if (!new SgdStepParameters(LearningRate, FactorLambda, BiasLambda).IsValid)
            throw new ArgumentOutOfRangeException(nameof(LearningRate), "Learning rate must be > 0 and λs ≥ 0, all finite.");
        if (!float.IsFinite(LearningRateDecay) || LearningRateDecay <= 0 || LearningRateDecay > 1)
            throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "Must be in (0, 1].");
        if (!float.IsFinite(InitStd) || InitStd < 0) throw new ArgumentOutOfRangeException(nameof(InitStd), InitStd, "Must be finite and ≥ 0.");
    }
}

/// <summary>
/// Biased MF by stochastic gradient descent: epochs over the ratings in a fresh seeded shuffle each time, each
/// rating one <see cref="SgdKernel.Step(ref float, ref float, Span{float}, Span{float}, float, float, in SgdStepParameters)"/>.
/// Single-threaded so a seed fixes the result bit for bit.
/// </summary>
public sealed class SgdTrainer(SgdOptions? options = null) : IMfTrainer
{
    public SgdOptions Options { get; } = options ?? new SgdOptions();

    public string Name => "sgd";

    public MfModel Train(RatingDataset data, MfModel? warmStart = null, Action<TrainingProgress>? onIteration = null)
    {
        Options.Validate();
        var random = new Random(Options.Seed);
        var model = ModelInitializer.Create(data, Options.Factors, Options.InitStd, random, warmStart);
        Refine(model, data, random, onIteration);
        return model;
    }

    /// <summary>Runs the configured epochs on <paramref name="model"/> in place (it must cover the dataset's ids).</summary>
    public void Refine(MfModel model, RatingDataset data, Random random, Action<TrainingProgress>? onIteration = null)
    {
        var order = KnownRatingIndices(data, model);
        var ratings = data.Ratings;
        var userBias = model.UserBias;
        var itemBias = model.ItemBias;
        var learningRate = Options.LearningRate;
        for (var epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            random.Shuffle(order);
            var parameters = new SgdStepParameters(learningRate, Options.FactorLambda, Options.BiasLambda);
            foreach (var index in order)
            {
                var r = ratings[index];
                SgdKernel.Step(ref userBias[r.User], ref itemBias[r.Item], model.UserVector(r.User), model.ItemVector(r.Item),
                    model.GlobalMean, r.Value, parameters);
            }
            // The hot loop is unchecked for speed; a diverged model must never leave the trainer.
            if (!model.IsFinite())
                throw new TrainingDivergedException($"SGD diverged in epoch {epoch} (learning rate {learningRate}); lower the learning rate.");
            onIteration?.Invoke(new TrainingProgress(Name, epoch, model));
            learningRate *= Options.LearningRateDecay;
        }
    }

    private static int[] KnownRatingIndices(RatingDataset data, MfModel model)
    {
        var indices = new List<int>(data.Count);
        for (var n = 0; n < data.Count; n++)
        {
            var r = data.Ratings[n];
            if ((uint)r.User < (uint)model.UserCount && (uint)r.Item < (uint)model.ItemCount) indices.Add(n);
        }
        return [.. indices];
    }
}
