using OnlineRec.Core.Training;

namespace OnlineRec.Core.Tests.Training;

public sealed class SgdTrainerTests
{
    private static readonly LowRankRatings Data = LowRankRatings.Create();

    private static SgdOptions SmallOptions => new() { Factors = 4, Epochs = 40, LearningRate = 0.05f, FactorLambda = 0.02f, BiasLambda = 0.01f };

    [Fact]
    public void Training_loss_decreases_epoch_over_epoch()
    {
        var losses = new List<double>();
        new SgdTrainer(SmallOptions with { Epochs = 10 }).Train(Data.Train, null,
            p => losses.Add(MfObjective.Evaluate(p.Model, Data.Train, SmallOptions.Regularization).Total));

        Assert.Equal(10, losses.Count);
        Assert.True(losses[^1] < 0.7 * losses[0], $"last {losses[^1]} vs first {losses[0]}");
        for (var n = 1; n < losses.Count; n++) Assert.True(losses[n] < losses[n - 1], $"epoch {n + 1} loss rose");
    }

    [Fact]
    public void Held_out_rmse_beats_the_bias_baseline()
    {
        var model = new SgdTrainer(SmallOptions).Train(Data.Train);

        Assert.True(Data.TestRmse(model) < 0.8 * Data.TestRmse(new BiasBaseline(Data.Train)));
    }

    [Fact]
    public void Same_seed_same_model_other_seed_other_model()
    {
        var a = new SgdTrainer(SmallOptions with { Epochs = 3 }).Train(Data.Train);
        var b = new SgdTrainer(SmallOptions with { Epochs = 3 }).Train(Data.Train);
        var c = new SgdTrainer(SmallOptions with { Epochs = 3, Seed = 99 }).Train(Data.Train);

        Assert.Equal(a.UserFactors, b.UserFactors);
        Assert.Equal(a.ItemBias, b.ItemBias);
        Assert.NotEqual(a.UserFactors, c.UserFactors);
    }

    [Fact]
    public void A_learning_rate_that_diverges_is_reported_not_returned()
    {
        Assert.Throws<TrainingDivergedException>(() =>
            new SgdTrainer(SmallOptions with { LearningRate = 50f, Epochs = 5 }).Train(Data.Train));
    }

    [Fact]
    public void Als_then_sgd_starts_from_the_als_model()
    {
        var options = new AlsSgdOptions
        {
            Als = new AlsOptions { Factors = 4, Iterations = 5, FactorLambda = 0.3f, BiasLambda = 1f },
            Sgd = SmallOptions with { Epochs = 5, LearningRate = 0.005f },
        };
        var phases = new List<string>();
        var model = new AlsSgdTrainer(options).Train(Data.Train, null, p => phases.Add(p.Phase));

        Assert.Equal(["als", "als", "als", "als", "als", "sgd", "sgd", "sgd", "sgd", "sgd"], phases);
        Assert.InRange(Data.TestRmse(model), 0.9 * Data.Noise, 1.2 * Data.Noise);
    }
}
