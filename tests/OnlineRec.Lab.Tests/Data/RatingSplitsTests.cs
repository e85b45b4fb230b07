using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.Lab.Tests.Data;

public sealed class RatingSplitsTests
{
    private static readonly RatingEvent[] Events =
    [
        new("a", "1", 1, 50), new("a", "2", 2, 10), new("b", "1", 3, 20), new("a", "3", 4, 40),
        new("b", "2", 5, 30), new("c", "1", 5, 60),
    ];

    [Fact]
    public void Last_per_user_holds_out_the_newest_and_keeps_one_for_training()
    {
        var split = RatingSplits.LastPerUser(Events, perUser: 2);

        Assert.Equal([Events[1], Events[2], Events[5]], split.Train); // c's only rating stays in training
        Assert.Equal([Events[0], Events[3], Events[4]], split.Test);
    }

    [Fact]
    public void By_time_holds_out_the_latest_fraction()
    {
        var split = RatingSplits.ByTime(Events, 0.5);

        Assert.Equal([Events[1], Events[2], Events[4]], split.Train);
        Assert.Equal([Events[0], Events[3], Events[5]], split.Test);
    }

    [Fact]
    public void Random_fraction_is_seeded_and_partitions()
    {
        var events = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 100, Items = 50, Ratings = 2_000 }).Events;

        var a = RatingSplits.RandomFraction(events, 0.2, seed: 1);
        var b = RatingSplits.RandomFraction(events, 0.2, seed: 1);

        Assert.Equal(a.Test, b.Test);
        Assert.Equal(events.Length, a.Train.Length + a.Test.Length);
        Assert.InRange(a.Test.Length, 300, 500);
    }

    [Fact]
    public void Datasets_map_test_onto_train()
    {
        var split = RatingSplits.ByTime(Events, 0.5).ToDatasets();

        Assert.Equal(["a", "b"], split.Train.Users.Ids);
        Assert.Equal(["2", "1"], split.Train.Items.Ids);
        Assert.Equal([(0, 1), (0, -1), (-1, 1)], split.Test.Ratings.Select(r => (r.User, r.Item)));
    }
}
