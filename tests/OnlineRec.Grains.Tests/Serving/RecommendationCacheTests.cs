using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;

namespace OnlineRec.Grains.Tests.Serving;

public sealed class RecommendationCacheTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
    }

    private static readonly ScoredItem[] TopThree = [new("a", 4.5f), new("b", 4.2f), new("c", 3.9f)];
    private static UserRow Row(float bias = 0.1f) => new(bias, [0.5f, -0.5f], Known: true, ModelVersion: 2, Rated: new[] { "x" });

    private static RecommendationCache Cache(ManualClock clock, TimeSpan? maxAge = null) =>
        new(Microsoft.Extensions.Options.Options.Create(new ServingOptions { RecommendationMaxAge = maxAge ?? TimeSpan.FromSeconds(1) }), clock);

    [Fact]
    public void A_list_is_served_for_the_same_row_and_version_including_shorter_prefixes()
    {
        var cache = Cache(new ManualClock());
        var row = Row();
        cache.Store(row, 2, 7, 3, TopThree);

        Assert.Same(TopThree, cache.TryGet(row, 2, 7, 3));
        Assert.Equal(TopThree[..2], cache.TryGet(row, 2, 7, 2));
        Assert.Null(cache.TryGet(row, 2, 7, 4)); // more than was computed
    }

    [Fact]
    public void A_new_row_for_the_user_has_no_list_even_with_equal_values()
    {
        var cache = Cache(new ManualClock());
        var old = Row();
        cache.Store(old, 2, 7, 3, TopThree);

        // Every publish is a new row object (a new rating, a catch-up or an adoption), with its own empty cache slot.
        Assert.Null(cache.TryGet(Row(), 2, 7, 3));
        Assert.Same(TopThree, cache.TryGet(old, 2, 7, 3));
    }

    [Fact]
    public void A_new_model_version_invalidates()
    {
        var cache = Cache(new ManualClock());
        var row = Row();
        cache.Store(row, 2, 7, 3, TopThree);

        Assert.Null(cache.TryGet(row, 3, 7, 3));
    }

    [Fact]
    public void Once_items_changed_lists_expire_after_the_drift_bound()
    {
        var clock = new ManualClock();
        var cache = Cache(clock, TimeSpan.FromMilliseconds(500));
        var row = Row();
        cache.Store(row, 2, 7, 3, TopThree);

        clock.Ticks += TimeSpan.FromMilliseconds(500).Ticks;
        Assert.Same(TopThree, cache.TryGet(row, 2, 8, 3)); // items moved, but within the bound
        clock.Ticks += 1;
        Assert.Null(cache.TryGet(row, 2, 8, 3));
    }

    [Fact]
    public void While_no_item_changed_a_list_stays_exact_and_does_not_age()
    {
        var clock = new ManualClock();
        var cache = Cache(clock, TimeSpan.FromMilliseconds(500));
        var row = Row();
        cache.Store(row, 2, 7, 3, TopThree);

        clock.Ticks += TimeSpan.FromMinutes(5).Ticks;
        Assert.Same(TopThree, cache.TryGet(row, 2, 7, 3));
    }

    [Fact]
    public void A_zero_bound_disables_the_cache()
    {
        var cache = Cache(new ManualClock(), TimeSpan.Zero);
        var row = Row();
        cache.Store(row, 2, 7, 3, TopThree);
        Assert.Null(cache.TryGet(row, 2, 7, 3));
    }
}

public sealed class RecommendationAnswersTests
{
    [Fact]
    public void Packing_keeps_every_list_in_order_and_sends_each_item_id_once()
    {
        ScoredItem[][] lists = [[new("a", 4.5f), new("b", 4f)], [], [new("b", 3.5f), new("c", 3f), new("a", 2f)]];

        var packed = RecommendationAnswers.Pack(lists, [new QueryFailure(1, "boom")]);

        Assert.Equal(3, packed.Count);
        Assert.Equal(["a", "b", "c"], packed.ItemIds);
        for (var i = 0; i < lists.Length; i++) Assert.Equal(lists[i], packed.ListAt(i));
        Assert.Equal(1, Assert.Single(packed.Failures).Index);
    }

    [Fact]
    public void An_equal_id_in_another_string_instance_still_comes_back_right()
    {
        var copy = new string("a".AsSpan()); // equal, not the same object: deduplication is by reference
        ScoredItem[][] lists = [[new("a", 4.5f)], [new(copy, 4f)]];

        var packed = RecommendationAnswers.Pack(lists, []);

        Assert.Equal(lists[0], packed.ListAt(0));
        Assert.Equal(lists[1], packed.ListAt(1));
    }

    [Fact]
    public void An_answer_naming_an_item_outside_its_table_is_refused_not_misread()
    {
        var packed = RecommendationAnswers.Pack([[new("a", 4.5f)]], []);
        packed.Entries[0] = 9; // reference #9 in a table of one id

        Assert.Throws<InvalidDataException>(() => packed.ListAt(0));
    }
}
