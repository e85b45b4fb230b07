using OnlineRec.Core.Model;
using OnlineRec.Core.Training;

namespace OnlineRec.Core.Tests.Training;

public sealed class AlsTrainerTests
{
    private static readonly LowRankRatings Data = LowRankRatings.Create();

    private static AlsOptions SmallOptions => new() { Factors = 4, Iterations = 10, FactorLambda = 0.3f, BiasLambda = 1f };

    [Fact]
    public void Objective_never_increases_across_half_steps()
    {
        var options = SmallOptions with { Factors = 8 };
        var model = ModelInitializer.Create(Data.Train, options.Factors, options.InitStd, new Random(1));
        var settings = options.RowSettings;
        var previous = MfObjective.Evaluate(model, Data.Train, options.Regularization).Total;
        for (var iteration = 0; iteration < 8; iteration++)
        {
            AlsSolver.SolveUsers(model, Data.Train, settings);
            var afterUsers = MfObjective.Evaluate(model, Data.Train, options.Regularization).Total;
            AlsSolver.SolveItems(model, Data.Train, settings);
            var afterItems = MfObjective.Evaluate(model, Data.Train, options.Regularization).Total;

            // float solves: allow rounding at the 1e-5 relative level, nothing more.
            Assert.True(afterUsers <= previous * (1 + 1e-5), $"users half-step {iteration}: {afterUsers} > {previous}");
            Assert.True(afterItems <= afterUsers * (1 + 1e-5), $"items half-step {iteration}: {afterItems} > {afterUsers}");
            previous = afterItems;
        }
    }

    [Fact]
    public void Held_out_rmse_approaches_the_noise_level()
    {
        var model = new AlsTrainer(SmallOptions).Train(Data.Train);

        var rmse = Data.TestRmse(model);

        Assert.InRange(rmse, 0.9 * Data.Noise, 1.15 * Data.Noise);
        Assert.True(model.IsFinite());
    }

    [Fact]
    public void Warm_start_begins_at_the_trained_models_loss()
    {
        var options = SmallOptions;
        var trained = new AlsTrainer(options).Train(Data.Train);
        var trainedLoss = MfObjective.Evaluate(trained, Data.Train, options.Regularization).Total;

        var warmFirst = FirstIterationLoss(options, trained);
        var coldFirst = FirstIterationLoss(options, null);

        Assert.True(warmFirst <= trainedLoss * (1 + 1e-5), $"warm first iteration {warmFirst} > trained {trainedLoss}");
        Assert.True(warmFirst < coldFirst, $"warm {warmFirst} ≥ cold {coldFirst}");
    }

    [Fact]
    public void Warm_start_copies_known_rows_and_initialises_new_ids()
    {
        var trained = new AlsTrainer(SmallOptions).Train(Data.Train);
        // Grow the data: the same ratings plus one new user who rated two known items, built on the model's maps.
        var events = Data.Train.Ratings
            .Select(r => new RatingEvent(Data.Train.Users[r.User], Data.Train.Items[r.Item], r.Value, 0))
            .Append(new RatingEvent("newcomer", "i0", 5, 0))
            .Append(new RatingEvent("newcomer", "i1", 4, 0));
        var grown = RatingDataset.FromEvents(events, trained.Users.Clone(), trained.Items.Clone());

        var start = ModelInitializer.Create(grown, 4, 0.1f, new Random(1), trained);

        Assert.Equal(trained.UserCount + 1, start.UserCount);
        Assert.Equal(trained.UserVector(7).ToArray(), start.UserVector(7).ToArray());
        Assert.Contains(start.UserVector(trained.UserCount).ToArray(), x => x != 0f);
        Assert.NotSame(trained.UserFactors, start.UserFactors);
        var retrained = new AlsTrainer(SmallOptions with { Iterations = 2 }).Train(grown, trained);
        Assert.True(retrained.IsFinite());
        Assert.Equal("newcomer", retrained.Users[trained.UserCount]);
    }

    [Fact]
    public void Warm_start_rejects_a_model_whose_ids_are_not_a_prefix()
    {
        var trained = new AlsTrainer(SmallOptions with { Iterations = 1 }).Train(Data.Train);
        var shuffled = RatingDataset.FromEvents(Data.Train.Ratings.Reverse()
            .Select(r => new RatingEvent(Data.Train.Users[r.User], Data.Train.Items[r.Item], r.Value, 0)));

        Assert.Throws<ArgumentException>(() => new AlsTrainer(SmallOptions).Train(shuffled, trained));
    }

    [Fact]
    public void Result_does_not_depend_on_the_thread_count()
    {
        var one = new AlsTrainer(SmallOptions with { MaxDegreeOfParallelism = 1 }).Train(Data.Train);
        var many = new AlsTrainer(SmallOptions with { MaxDegreeOfParallelism = 4 }).Train(Data.Train);

        Assert.Equal(one.UserFactors, many.UserFactors);
        Assert.Equal(one.ItemBias, many.ItemBias);
    }

    private static double FirstIterationLoss(AlsOptions options, MfModel? warmStart)
    {
        var loss = double.NaN;
        new AlsTrainer(options with { Iterations = 1 }).Train(Data.Train, warmStart,
            p => loss = MfObjective.Evaluate(p.Model, Data.Train, options.Regularization).Total);
        return loss;
    }
}
