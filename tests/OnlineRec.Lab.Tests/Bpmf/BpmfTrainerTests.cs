using OnlineRec.Core.Tests.Training;
using OnlineRec.Core.Training;
using OnlineRec.Lab.Bpmf;

namespace OnlineRec.Lab.Tests.Bpmf;

public sealed class BpmfTrainerTests
{
    private static readonly LowRankRatings Data = LowRankRatings.Create();

    private static BpmfOptions SmallOptions => new() { Factors = 6, BurnIn = 10, Samples = 40 };

    // One chain shared by the accuracy tests: sampling is the slow part.
    private static readonly Lazy<BpmfPredictor> Trained = new(() => new BpmfTrainer(SmallOptions).Train(Data.Train));

    [Fact]
    public void Posterior_average_beats_the_bias_baseline_and_nears_the_noise_level()
    {
        var predictor = Trained.Value;

        var rmse = Data.TestRmse(predictor);

        Assert.Equal(40, predictor.SampleCount);
        Assert.True(rmse < 0.8 * Data.TestRmse(new BiasBaseline(Data.Train)), $"bpmf {rmse}");
        Assert.InRange(rmse, 0.9 * Data.Noise, 1.2 * Data.Noise);
        Assert.True(predictor.PosteriorMean.IsFinite());
    }

    [Fact]
    public void Averaging_samples_predicts_at_least_as_well_as_the_last_sample()
    {
        var predictor = Trained.Value;

        Assert.True(Data.TestRmse(predictor) < LowRankRatings.Rmse(predictor.Samples[^1], Data.Test));
    }

    [Fact]
    public void Same_seed_same_predictions_whatever_the_thread_count()
    {
        var options = SmallOptions with { BurnIn = 2, Samples = 3 };
        var a = new BpmfTrainer(options with { MaxDegreeOfParallelism = 1 }).Train(Data.Train);
        var b = new BpmfTrainer(options with { MaxDegreeOfParallelism = 4 }).Train(Data.Train);
        var c = new BpmfTrainer(options with { Seed = 5 }).Train(Data.Train);

        Assert.Equal(a.PosteriorMean.UserFactors, b.PosteriorMean.UserFactors);
        Assert.Equal(a.PredictRaw(3, 4), b.PredictRaw(3, 4));
        Assert.NotEqual(a.PredictRaw(3, 4), c.PredictRaw(3, 4));
    }

    [Fact]
    public void Unknown_ids_get_a_finite_bias_only_prediction()
    {
        var predictor = new BpmfTrainer(SmallOptions with { BurnIn = 1, Samples = 2 }).Train(Data.Train);

        Assert.True(float.IsFinite(predictor.PredictRaw(-1, -1)));
        Assert.Equal(Data.Train.GlobalMean, predictor.PredictRaw(-1, -1), 1e-5);
    }

    [Fact]
    public void Wishart_draws_average_to_degrees_times_scale()
    {
        // E[Λ] = νW for Λ ~ Wishart(W, ν).
        var scale = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(new double[,] { { 2, 0.5 }, { 0.5, 1 } });
        var random = new Random(9);
        var sum = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(2, 2);
        const int draws = 4000;
        for (var n = 0; n < draws; n++) sum += NormalWishart.SampleWishart(scale, 5, random);
        var mean = sum / draws;

        Assert.Equal(10, mean[0, 0], 0.4);
        Assert.Equal(2.5, mean[0, 1], 0.2);
        Assert.Equal(5, mean[1, 1], 0.2);
    }
}
