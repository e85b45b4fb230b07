using OnlineRec.Core.Model;

namespace OnlineRec.Core.Tests.Training.Implicit;

public sealed class InteractionAggregationTests
{
    [Theory]
    [InlineData(RatingWeightFunction.Binary, 1f, 1f, 1f)] // any rating says the user chose the item
    [InlineData(RatingWeightFunction.Value, 4f, 2f, 0f)]
    [InlineData(RatingWeightFunction.AboveThreshold, 1f, 0f, 0f)] // threshold 3: 4 → 1, 2 → none
    public void Ratings_weigh_by_the_configured_function(RatingWeightFunction function, float weightOf4, float weightOf2, float weightOfMinus1)
    {
        var options = new InteractionOptions { RatingWeight = function, RatingThreshold = 3f };

        Assert.Equal(weightOf4, options.RatingWeightOf(4f));
        Assert.Equal(weightOf2, options.RatingWeightOf(2f));
        Assert.Equal(weightOfMinus1, options.RatingWeightOf(-1f));
    }

    [Fact]
    public void A_pair_weighs_its_latest_rating_plus_all_its_events_in_first_entry_order()
    {
        var aggregator = new InteractionAggregator(new InteractionOptions { RatingWeight = RatingWeightFunction.Value });
        aggregator.AddRating(0, 7, 2f);
        aggregator.AddEvent(1, 3, 1f);   // events only
        aggregator.AddEvent(0, 7, 1.5f);
        aggregator.AddRating(0, 7, 5f);  // replaces the 2
        aggregator.AddEvent(0, 7, 2f);
        aggregator.AddEvent(1, 3, 1f);
        aggregator.AddRating(2, 4, 0f);  // weight 0: seen, but no interaction

        Assert.Equal([new Rating(0, 7, 8.5f), new Rating(1, 3, 2f)], aggregator.ToInteractions());
        Assert.Equal(3, aggregator.PairCount);
    }

    [Fact]
    public void A_rating_below_the_threshold_drops_the_pair_unless_events_carry_it()
    {
        var aggregator = new InteractionAggregator(new InteractionOptions { RatingWeight = RatingWeightFunction.AboveThreshold, RatingThreshold = 3f });
        aggregator.AddRating(0, 0, 5f);
        aggregator.AddRating(0, 0, 2f); // the user changed their mind: no longer a positive
        aggregator.AddRating(0, 1, 1f);
        aggregator.AddEvent(0, 1, 1f);

        Assert.Equal([new Rating(0, 1, 1f)], aggregator.ToInteractions());
    }

    [Fact]
    public void Bad_values_are_refused()
    {
        var aggregator = new InteractionAggregator(new InteractionOptions());

        Assert.Throws<ArgumentOutOfRangeException>(() => aggregator.AddEvent(0, 0, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => aggregator.AddEvent(0, 0, float.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => aggregator.AddRating(0, 0, float.NaN));
        Assert.Empty(aggregator.ToInteractions());
    }

    [Fact]
    public void Dataset_rows_by_user_and_by_item_hold_the_same_weights()
    {
        var users = new IdMap(["a", "b"]);
        var items = new IdMap(["x", "y", "z"]);
        InteractionEntry[] log =
        [
            new(0, 1, 4f, 10), new(1, 1, 3f, 11), new(0, 2, 1f, 12, LogEntryKind.Event), new(1, 0, 5f, 13), new(0, 1, 2f, 14, LogEntryKind.Event),
        ];

        var data = InteractionDataset.Build(users, items, log, new InteractionOptions { RatingWeight = RatingWeightFunction.Value });

        Assert.Equal([1, 2], data.ByUser.RowColumns(0).ToArray());
        Assert.Equal([6f, 1f], data.ByUser.RowValues(0).ToArray());
        Assert.Equal([0, 1], data.ByItem.RowColumns(1).ToArray());
        Assert.Equal([6f, 3f], data.ByItem.RowValues(1).ToArray());
        Assert.Equal(4, data.Count);
        Assert.Throws<ArgumentException>(() => InteractionDataset.Build(users, items, [new InteractionEntry(2, 0, 1f, 0)], new InteractionOptions()));
    }
}
