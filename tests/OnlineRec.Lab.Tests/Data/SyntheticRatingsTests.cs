using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.Lab.Tests.Data;

public sealed class SyntheticRatingsTests
{
    private static readonly SyntheticRatingsOptions Small = new() { Users = 200, Items = 300, Ratings = 10_000, Seed = 7 };

    [Fact]
    public void Same_seed_same_data_other_seed_other_data()
    {
        var a = SyntheticRatings.Generate(Small).Events;
        var b = SyntheticRatings.Generate(Small).Events;
        var c = SyntheticRatings.Generate(Small with { Seed = 8 }).Events;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Has_the_requested_counts_no_duplicate_pairs_and_increasing_time()
    {
        var events = SyntheticRatings.Generate(Small).Events;

        Assert.Equal(10_000, events.Length);
        Assert.Equal(events.Length, events.Select(e => (e.User, e.Item)).Distinct().Count());
        Assert.All(events.Zip(events.Skip(1)), p => Assert.True(p.First.Timestamp < p.Second.Timestamp));
        Assert.Equal(200, events.Select(e => e.User).Distinct().Count());
        Assert.All(events.GroupBy(e => e.User), g => Assert.True(g.Count() >= Small.MinRatingsPerUser));
        Assert.All(events, e => Assert.True(int.Parse(e.Item) is >= 1 and <= 300));
    }

    [Fact]
    public void No_user_exceeds_the_coverage_cap()
    {
        var events = SyntheticRatings.Generate(Small with { UserActivityExponent = 2.0, MaxUserCoverage = 0.25 }).Events;

        Assert.Equal(75, events.GroupBy(e => e.User).Max(g => g.Count()));
    }

    [Fact]
    public void Values_sit_on_the_scale_or_stay_continuous()
    {
        var stars = SyntheticRatings.Generate(Small).Events;
        var continuous = SyntheticRatings.Generate(Small with { Scale = null }).Events;

        Assert.All(stars, e => Assert.True(RatingScale.OneToFive.Contains(e.Value)));
        Assert.Contains(continuous, e => e.Value != MathF.Round(e.Value));
        Assert.All(continuous, e => Assert.True(float.IsFinite(e.Value)));
    }

    [Fact]
    public void Popularity_and_activity_are_skewed()
    {
        var events = SyntheticRatings.Generate(Small with { ItemPopularityExponent = 1.0, UserActivityExponent = 1.0 }).Events;
        var itemCounts = events.GroupBy(e => e.Item).Select(g => g.Count()).OrderDescending().ToArray();
        var userCounts = events.GroupBy(e => e.User).Select(g => g.Count()).OrderDescending().ToArray();

        // Under a uniform draw the top decile would hold ~10%; k^-1 weights give it far more.
        Assert.True(itemCounts.Take(30).Sum() > 0.3 * events.Length);
        Assert.True(userCounts.Take(20).Sum() > 0.2 * events.Length); // capped at 150 each by MaxUserCoverage
    }

    [Fact]
    public void Dense_requests_and_steep_popularity_still_give_distinct_pairs()
    {
        var options = new SyntheticRatingsOptions
        {
            Users = 30, Items = 40, Ratings = 1_100, ItemPopularityExponent = 2.0, MinRatingsPerUser = 3, MaxUserCoverage = 1,
        };
        var events = SyntheticRatings.Generate(options).Events;

        Assert.Equal(1_100, events.Length);
        Assert.Equal(1_100, events.Select(e => (e.User, e.Item)).Distinct().Count());
    }

    [Fact]
    public void Selection_bias_makes_users_rate_what_they_like()
    {
        var random = SyntheticRatings.Generate(Small);
        var biased = SyntheticRatings.Generate(Small with { SelectionBias = 3 });

        // Same truth (drawn first from the seed), but the observed pairs lean towards high true scores.
        Assert.Equal(random.Truth.Score(1, 2), biased.Truth.Score(1, 2));
        Assert.True(MeanTrueScore(biased) > MeanTrueScore(random) + 0.3, $"{MeanTrueScore(biased)} vs {MeanTrueScore(random)}");
        Assert.Equal(biased.Events.Length, biased.Events.Select(e => (e.User, e.Item)).Distinct().Count());

        static double MeanTrueScore(SyntheticDataset d) =>
            d.Events.Average(e => d.Truth.Score(SyntheticGroundTruth.UserIndex(e.User), SyntheticGroundTruth.ItemIndex(e.Item)));
    }

    [Fact]
    public void Impossible_requests_are_rejected()
    {
        Assert.Throws<ArgumentException>(() =>
            SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 2, Items = 3, Ratings = 7, MinRatingsPerUser = 1, MaxUserCoverage = 1 }));
        Assert.Throws<ArgumentException>(() => SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 2, Items = 10, Ratings = 11 }));
        Assert.Throws<ArgumentException>(() => SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 10, Items = 10, Ratings = 20, MinRatingsPerUser = 5 }));
        Assert.Throws<ArgumentException>(() => SyntheticRatings.Generate(Small with { NoiseStd = float.NaN }));
    }

    [Fact]
    public void Truth_scores_the_noise_floor_on_continuous_data()
    {
        var data = SyntheticRatings.Generate(Small with { Scale = null, NoiseStd = 0.3f });
        var truth = data.Truth.ToModel();
        var mapped = RatingDataset.MapOnto(data.Events, truth.Users, truth.Items);

        var rmse = RatingMetrics.Rmse(mapped, truth.PredictRaw);

        Assert.Equal(0.3, rmse, 0.02);
        Assert.Equal(data.NoiseFloorRmse, rmse, 1e-4);
    }

    [Fact]
    public void Truth_explains_most_of_the_variance_of_star_data()
    {
        var data = SyntheticRatings.Generate(Small);
        var truth = data.Truth.ToModel();
        var mapped = RatingDataset.MapOnto(data.Events, truth.Users, truth.Items);
        var mean = mapped.GlobalMean;

        var truthRmse = RatingMetrics.Rmse(mapped, truth.PredictRaw, RatingScale.OneToFive);
        var meanRmse = RatingMetrics.Rmse(mapped, (_, _) => mean);

        Assert.Equal(data.NoiseFloorRmse, truthRmse, 1e-4);
        Assert.True(truthRmse < 0.7 * meanRmse, $"truth {truthRmse}, mean {meanRmse}");
    }

    [Fact]
    public void Ground_truth_score_is_mean_plus_biases_plus_dot()
    {
        var truth = SyntheticRatings.Generate(Small).Truth;
        var expected = truth.GlobalMean + truth.UserBias[3] + truth.ItemBias[5];
        for (var f = 0; f < truth.Rank; f++) expected += truth.UserVector(3)[f] * truth.ItemVector(5)[f];

        Assert.Equal(expected, truth.Score(3, 5), 1e-5);
        Assert.Equal("4", SyntheticGroundTruth.UserId(3));
        Assert.Equal(3, SyntheticGroundTruth.ItemIndex("4"));
        Assert.Throws<ArgumentException>(() => SyntheticGroundTruth.UserIndex("0"));
    }

    [Fact]
    public void Noise_floor_on_a_subset_agrees_with_the_whole_and_with_the_truth_model()
    {
        var data = SyntheticRatings.Generate(Small);
        var split = RatingSplits.RandomFraction(data.Events, 0.2, seed: 3);
        var truth = data.Truth.ToModel();
        var test = RatingDataset.MapOnto(split.Test, truth.Users, truth.Items);

        Assert.Equal(data.NoiseFloorRmse, data.NoiseFloorRmseOn(data.Events), 1e-9);
        Assert.Equal(RatingMetrics.Rmse(test, truth.PredictRaw, RatingScale.OneToFive), data.NoiseFloorRmseOn(split.Test), 1e-5);
    }
}
