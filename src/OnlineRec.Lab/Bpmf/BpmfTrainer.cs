using OnlineRec.Core.Model;
using OnlineRec.Core.Training;

namespace OnlineRec.Lab.Bpmf;

/// <summary>Options of the BPMF Gibbs sampler. The defaults are tuned on MovieLens 100K (see BENCHMARKS.md).</summary>
public sealed record BpmfOptions
{
    public int Factors { get; init; } = 10;

    /// <summary>Sweeps whose samples are discarded while the chain forgets its start.</summary>
    public int BurnIn { get; init; } = 20;

    /// <summary>Samples kept after burn-in (one per sweep); predictions average over them.</summary>
    public int Samples { get; init; } = 200;

    /// <summary>α, the precision of the rating noise (1/σ²).</summary>
    public float NoisePrecision { get; init; } = 2f;

    /// <summary>When true α is re-drawn every sweep from its Gamma posterior (prior Gamma(shape 1, rate 1)), starting at <see cref="NoisePrecision"/>.</summary>
    public bool SampleNoisePrecision { get; init; } = true;

    /// <summary>Normal–Wishart hyperprior: β₀ (confidence in μ₀ = 0), W₀ = scale·I, ν₀ = k + 1.</summary>
    public double Beta0 { get; init; } = 2;
    public double WishartScale { get; init; } = 1;

    /// <summary>ALS iterations to start the chain near the posterior mode (0 = random start).</summary>
    public int InitialAlsIterations { get; init; } = 0;
    public float InitStd { get; init; } = 0.1f;
    public int Seed { get; init; } = 42;
    public int MaxDegreeOfParallelism { get; init; } = -1;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Factors, 1, nameof(Factors));
        ArgumentOutOfRangeException.ThrowIfLessThan(BurnIn, 0, nameof(BurnIn));
        ArgumentOutOfRangeException.ThrowIfLessThan(Samples, 1, nameof(Samples));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialAlsIterations, 0, nameof(InitialAlsIterations));
        if (!float.IsFinite(NoisePrecision) || NoisePrecision <= 0) throw new ArgumentOutOfRangeException(nameof(NoisePrecision), NoisePrecision, "Must be > 0.");
        if (!double.IsFinite(Beta0) || Beta0 <= 0) throw new ArgumentOutOfRangeException(nameof(Beta0), Beta0, "Must be > 0.");
        if (!double.IsFinite(WishartScale) || WishartScale <= 0) throw new ArgumentOutOfRangeException(nameof(WishartScale), WishartScale, "Must be > 0.");
    }
}

/// <summary>
/// Bayesian probabilistic MF with biases (after Salakhutdinov &amp; Mnih 2008), by Gibbs sampling. Each user's
/// [p_u, b_u] and each item's [q_i, b_i] has a Gaussian prior whose mean and precision carry a Normal–Wishart
/// hyperprior; a sweep draws the user hyperparameters, every user row, the item hyperparameters, every item row,
/// and optionally α. The result averages predictions over the samples after burn-in. Seeded and deterministic.
/// </summary>
public sealed class BpmfTrainer(BpmfOptions? options = null) : IRatingTrainer
{
    private const int UserSide = 0, ItemSide = 1;
    private const double NoiseShape0 = 1, NoiseRate0 = 1;

    public BpmfOptions Options { get; } = options ?? new BpmfOptions();

    public string Name => "bpmf";

    IRatingPredictor IRatingTrainer.Fit(RatingDataset data) => Train(data);

    public BpmfPredictor Train(RatingDataset data, MfModel? warmStart = null, Action<TrainingProgress>? onSweep = null)
    {
        Options.Validate();
        var random = new Random(Options.Seed);
        var k = Options.Factors;
        var state = ModelInitializer.Create(data, k, Options.InitStd, random, warmStart);
        if (Options.InitialAlsIterations > 0)
            new AlsTrainer(new AlsOptions { Factors = k, Iterations = Options.InitialAlsIterations, MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism })
                .Refine(state, data);

        var hyperprior = new NormalWishart(k + 1, Options.Beta0, k + 1, Options.WishartScale);
        var result = new BpmfPredictor(new MfModel(k, state.Users, state.Items, state.GlobalMean));
        var alpha = Options.NoisePrecision;
        var users = data.ByUser;
        var items = data.ByItem;
        var sweeps = Options.BurnIn + Options.Samples;
        for (var sweep = 1; sweep <= sweeps; sweep++)
        {
            var userPrior = hyperprior.SamplePosterior(state.UserFactors, state.UserBias, state.UserCount, k, random);
            BpmfRowSampler.SampleAllRows(users, state.ItemFactors, state.ItemBias, state.GlobalMean, state.UserFactors, state.UserBias,
                k, userPrior, alpha, (Options.Seed, sweep, UserSide), Options.MaxDegreeOfParallelism);
            var itemPrior = hyperprior.SamplePosterior(state.ItemFactors, state.ItemBias, state.ItemCount, k, random);
            BpmfRowSampler.SampleAllRows(items, state.UserFactors, state.UserBias, state.GlobalMean, state.ItemFactors, state.ItemBias,
                k, itemPrior, alpha, (Options.Seed, sweep, ItemSide), Options.MaxDegreeOfParallelism);
            if (Options.SampleNoisePrecision) alpha = SampleNoisePrecision(state, data, random);
            if (sweep > Options.BurnIn) result.Add(Snapshot(state));
            onSweep?.Invoke(new TrainingProgress(Name, sweep, state));
        }
        return result;
    }

    // α | rest ~ Gamma(a₀ + N/2, b₀ + SSE/2).
    private static float SampleNoisePrecision(MfModel state, RatingDataset data, Random random)
    {
        var sse = MfObjective.Evaluate(state, data, default).SquaredError;
        var draw = MathNet.Numerics.Distributions.Gamma.Sample(random, NoiseShape0 + data.Count / 2.0, NoiseRate0 + sse / 2.0);
        return (float)Math.Clamp(draw, 1e-3, 1e3);
    }

    // A sample shares the (now fixed) id maps with the state but owns its numbers.
    private static MfModel Snapshot(MfModel state)
    {
        var sample = new MfModel(state.Factors, state.Users, state.Items, state.GlobalMean);
        state.UserBias.AsSpan(0, state.UserCount).CopyTo(sample.UserBias);
        state.ItemBias.AsSpan(0, state.ItemCount).CopyTo(sample.ItemBias);
        state.UserFactors.AsSpan(0, state.UserCount * state.Factors).CopyTo(sample.UserFactors);
        state.ItemFactors.AsSpan(0, state.ItemCount * state.Factors).CopyTo(sample.ItemFactors);
        return sample;
    }
}
