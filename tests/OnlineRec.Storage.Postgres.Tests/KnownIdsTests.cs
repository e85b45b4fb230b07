using OnlineRec.Storage.Postgres.RatingLog;

namespace OnlineRec.Storage.Postgres.Tests;

public sealed class KnownIdsTests
{
    [Fact]
    public void Remembers_committed_ids_per_kind()
    {
        var known = new KnownIds();
        known.AddCommitted(["u1", "u2"], IdKind.User);

        Assert.True(known.Contains("u1", IdKind.User));
        Assert.False(known.Contains("u1", IdKind.Item));
        Assert.False(known.Contains("u3", IdKind.User));
    }

    [Fact]
    public void Forgets_everything_rather_than_grow_past_its_capacity()
    {
        var known = new KnownIds(capacity: 3);
        known.AddCommitted(["a", "b", "c"], IdKind.User);
        known.AddCommitted(["d"], IdKind.User);

        Assert.True(known.Contains("d", IdKind.User));
        Assert.False(known.Contains("a", IdKind.User));
    }

    [Fact]
    public void Ids_differing_only_in_a_high_byte_are_different()
    {
        var known = new KnownIds();
        known.AddCommitted(["\u0141"], IdKind.Item);
        Assert.False(known.Contains("\u0041", IdKind.Item));
        Assert.False(known.Contains("\u0142", IdKind.Item));
    }
}
