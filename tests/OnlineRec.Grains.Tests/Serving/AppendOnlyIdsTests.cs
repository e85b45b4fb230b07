using OnlineRec.Grains.Serving;

namespace OnlineRec.Grains.Tests.Serving;

public sealed class AppendOnlyIdsTests
{
    [Fact]
    public void A_snapshot_keeps_exactly_the_ids_added_before_it_through_later_adds_and_growth()
    {
        var ids = new AppendOnlyIds(["a", "b", "c"]);
        var early = ids.Snapshot();
        ids.Add("d"); // grows: the early view still points at the old array
        var middle = ids.Snapshot();
        ids.Add("e"); // fits: written past the middle view's end
        for (var i = 0; i < 10; i++) ids.Add($"x{i}");

        Assert.Equal(["a", "b", "c"], early);
        Assert.Equal(["a", "b", "c", "d"], middle);
        Assert.Equal(15, ids.Count);
        Assert.Equal(["a", "b", "c", "d", "e"], ids.Snapshot().Take(5));
    }

    [Fact]
    public void An_empty_list_grows_from_nothing()
    {
        var ids = new AppendOnlyIds();
        Assert.Equal(0, ids.Snapshot().Count);
        ids.Add("only");
        Assert.Equal(["only"], ids.Snapshot());
    }
}
