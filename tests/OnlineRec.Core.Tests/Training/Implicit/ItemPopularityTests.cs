using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;

namespace OnlineRec.Core.Tests.Training.Implicit;

public sealed class ItemPopularityTests
{
    private const long Day = 86_400;

    [Fact]
    public void An_interaction_one_half_life_older_than_the_newest_counts_half()
    {
        var accumulator = new PopularityAccumulator(itemCount: 3, halfLifeSeconds: 10 * Day);
        accumulator.Add(0, 100 * Day);
        accumulator.Add(1, 90 * Day);
        accumulator.Add(1, 80 * Day);
        accumulator.Add(2, 70 * Day);

        var scores = accumulator.ScoresAt(accumulator.MaxTimestamp);

        Assert.Equal(1.0, scores[0], 12);
        Assert.Equal(0.5 + 0.25, scores[1], 12);
        Assert.Equal(0.125, scores[2], 12);
    }

    [Fact]
    public void Scores_do_not_depend_on_arrival_order_and_without_decay_are_counts()
    {
        var random = new Random(4);
        var events = Enumerable.Range(0, 500).Select(_ => (Item: random.Next(20), Time: (long)random.Next(0, 400) * Day / 4)).ToArray();

        double[] Scores(IEnumerable<(int Item, long Time)> order, double halfLife)
        {
            var a = new PopularityAccumulator(20, halfLife);
            foreach (var (item, time) in order) a.Add(item, time);
            return a.ScoresAt(a.MaxTimestamp);
        }

        var inOrder = Scores(events, 7 * Day);
        var shuffled = Scores(events.OrderBy(_ => random.Next()), 7 * Day);
        for (var i = 0; i < 20; i++) Assert.Equal(inOrder[i], shuffled[i], 9);
        var counts = Scores(events, 0);
        for (var i = 0; i < 20; i++) Assert.Equal(events.Count(e => e.Item == i), counts[i]);
    }

    [Fact]
    public void Parts_with_their_own_reference_merge_into_the_single_computation()
    {
        var halfLifeDays = 3.0;
        var whole = new PopularityAccumulator(4, halfLifeDays * Day);
        var even = new PopularityAccumulator(2, halfLifeDays * Day);
        var odd = new PopularityAccumulator(2, halfLifeDays * Day);
        (int Item, long Time)[] log = [(0, 5 * Day), (1, 9 * Day), (2, 1 * Day), (3, 2 * Day), (1, 3 * Day), (2, 4 * Day)];
        foreach (var (item, time) in log)
        {
            whole.Add(item, time);
            (item % 2 == 0 ? even : odd).Add(item / 2, time);
        }

        var merged = ItemPopularity.Merge(4, halfLifeDays,
        [
            ([0, 2], even.ScoresAt(even.MaxTimestamp), even.MaxTimestamp),
            ([1, 3], odd.ScoresAt(odd.MaxTimestamp), odd.MaxTimestamp),
        ]);

        var expected = whole.ScoresAt(whole.MaxTimestamp);
        Assert.Equal(whole.MaxTimestamp, merged.ReferenceTimestamp);
        for (var i = 0; i < 4; i++) Assert.Equal(expected[i], merged.Scores[i], 12);
    }

    [Fact]
    public void Top_k_ranks_by_score_and_skips_excluded_items()
    {
        var popularity = new ItemPopularity([3, 9, 1, 9, 5], 0, 0);
        var buffer = new ScoredItem[3];

        var count = popularity.TopK([3], buffer);

        Assert.Equal([1, 4, 0], buffer.Take(count).Select(s => s.Item));
    }

    [Fact]
    public void Dataset_popularity_counts_only_interactions()
    {
        var options = new InteractionOptions { RatingWeight = RatingWeightFunction.AboveThreshold, RatingThreshold = 3f, PopularityHalfLifeDays = 0 };
        var data = InteractionDataset.Build(new IdMap(["a", "b"]), new IdMap(["x", "y"]),
            [new(0, 0, 5f, 1), new(1, 0, 4f, 2), new(0, 1, 2f, 3), new(1, 1, 1f, 4, LogEntryKind.Event)], options);

        Assert.Equal([2.0, 1.0], data.Popularity.Scores);
    }
}
