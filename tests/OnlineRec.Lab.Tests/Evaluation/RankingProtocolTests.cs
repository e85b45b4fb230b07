using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Implicit;
using OnlineRec.Lab.Data;
using OnlineRec.Lab.Evaluation;

namespace OnlineRec.Lab.Tests.Evaluation;

public sealed class RankingProtocolTests
{
    private static readonly RankingEvaluationSettings Small = new()
    {
        Ranking = new ImplicitOptions { Factors = 16, Sweeps = 8, Lambda = 20f },
        Rating = new AlsOptions { Factors = 8, Iterations = 5 },
    };

    [Fact]
    public void On_taste_driven_data_the_ranking_model_beats_popularity_and_the_rating_model()
    {
        // Which items a user rates leans on taste (selection bias) more than on popularity (a flat Zipf exponent).
        var data = SyntheticRatings.Generate(new SyntheticRatingsOptions
        {
            Users = 400, Items = 300, Ratings = 30_000, SelectionBias = 5, ItemPopularityExponent = 0.5, Seed = 8,
        });
        var split = RatingSplits.RandomFraction(data.Events, 0.2, seed: 8).ToDatasets();

        var result = new RankingProtocol(Small).Evaluate("synthetic", split);

        var byName = result.Models.ToDictionary(m => m.Model);
        Assert.Equal([RankingProtocol.Popularity, RankingProtocol.RecentPopularity, RankingProtocol.RatingModel, RankingProtocol.RankingModel],
            result.Models.Select(m => m.Model));
        var ranking = byName[RankingProtocol.RankingModel].Any;
        Assert.True(ranking.Precision > 1.2 * byName[RankingProtocol.Popularity].Any.Precision, $"{ranking} vs {byName[RankingProtocol.Popularity].Any}");
        Assert.True(ranking.Ndcg > byName[RankingProtocol.RatingModel].Any.Ndcg);
        Assert.True(ranking.Coverage > byName[RankingProtocol.Popularity].Any.Coverage);
    }

    [Fact]
    public void Held_out_items_the_training_never_saw_stay_relevant_and_seen_items_are_never_listed()
    {
        // User a rated x in training; held out: y (known, from b's training) and "new" (never in training).
        var train = RatingDataset.FromEvents([new RatingEvent("a", "x", 5, 1), new RatingEvent("b", "y", 4, 2), new RatingEvent("b", "x", 4, 3)]);
        var test = RatingDataset.MapOnto([new RatingEvent("a", "y", 2, 4), new RatingEvent("a", "new", 5, 5)], train.Users, train.Items);

        var result = new RankingProtocol(Small with { ListLength = 2 }).Evaluate("tiny", new DatasetSplit(train, test));

        var popularity = result.Models.Single(m => m.Model == RankingProtocol.Popularity);
        Assert.Equal(1, result.TestUsers);
        // The list can only be [y] (x is seen): one hit of two relevant items, and "new" is the only item rated ≥ 4.
        Assert.Equal(0.5, popularity.Any.Precision, 12);
        Assert.Equal(0.5, popularity.Any.Recall, 12);
        Assert.Equal(0.0, popularity.AtLeast.Precision, 12);
        Assert.Equal(0.5, popularity.Any.Coverage, 12);
    }

    [Fact]
    public void Leave_last_out_holds_out_each_users_latest_event()
    {
        RatingEvent[] events =
        [
            new("a", "x", 5, 30), new("a", "y", 4, 10), new("a", "z", 3, 20),
            new("b", "y", 5, 5), new("b", "x", 2, 50),
            new("c", "z", 4, 7), // one event: nothing to hold out
        ];

        var result = new RankingProtocol(Small with { ListLength = 2 }).RunLeaveLastOut(events);

        Assert.Equal(2, result.TestUsers);
        Assert.Equal(4, result.TrainRatings);
        // Popularity by training count: y (2), z (2), x (0 after the hold-outs). a's latest is x: both lists miss it;
        // b's latest is x too. So popularity hits nothing, whatever the model.
        Assert.Equal(0.0, result.Models.Single(m => m.Model == RankingProtocol.Popularity).Any.HitRate, 12);
    }
}
