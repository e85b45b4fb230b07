using OnlineRec.Abstractions;
using OnlineRec.Grains.Serving;

namespace OnlineRec.Grains.Tests.Serving;

public sealed class UserFactorReplicaTests
{
    private static UserRow Row(float bias) => new(bias, [bias, -bias], Known: true, ModelVersion: 1, Rated: Array.Empty<string>());

    [Fact]
    public void Publishing_replaces_a_row_and_withdrawing_removes_only_the_row_it_names()
    {
        var replica = new UserFactorReplica();
        var first = Row(1);
        var second = Row(2);
        replica.Publish("u1", first);
        replica.Publish("u1", second);

        replica.Withdraw("u1", first); // an older activation's row: the later one stays
        Assert.True(replica.TryGet("u1", out var found));
        Assert.Same(second, found);

        replica.Withdraw("u1", second);
        Assert.False(replica.TryGet("u1", out _));
        Assert.Equal(0, replica.Count);

        replica.Publish("u1", first); // re-activated
        Assert.True(replica.TryGet("u1".AsSpan(), out found));
        Assert.Same(first, found);
        Assert.Equal(1, replica.Count);
    }

    [Fact]
    public void Withdrawing_most_users_compacts_the_table_and_keeps_the_rest()
    {
        var replica = new UserFactorReplica();
        var rows = Enumerable.Range(0, 6_000).Select(i => Row(i)).ToArray();
        for (var i = 0; i < rows.Length; i++) replica.Publish("user-" + i, rows[i]);
        for (var i = 0; i < rows.Length; i++)
            if (i % 5 != 0) replica.Withdraw("user-" + i, rows[i]); // 4,800 withdrawn: compaction runs along the way

        Assert.Equal(1_200, replica.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            var present = replica.TryGet("user-" + i, out var row);
            Assert.Equal(i % 5 == 0, present);
            if (present) Assert.Same(rows[i], row);
        }
        replica.Publish("user-7", rows[7]);
        Assert.True(replica.TryGet("user-7", out _));
        Assert.Equal(1_201, replica.Count);
    }

    [Fact]
    public void A_batched_lookup_finds_the_same_rows_as_one_lookup_each()
    {
        var replica = new UserFactorReplica();
        for (var i = 0; i < 500; i++) replica.Publish("u" + i, Row(i));
        for (var i = 0; i < 500; i += 7) replica.Withdraw("u" + i, replica.TryGet("u" + i, out var row) ? row : throw new InvalidOperationException());
        var random = new Random(3);
        var ids = Enumerable.Range(0, 300).Select(_ => "u" + random.Next(600)).ToArray();
        var found = new UserRow?[ids.Length];

        replica.LookUp(new StringIdSource(ids), new int[ids.Length], found);

        Assert.Equal(ids.Select(id => replica.TryGet(id, out var row) ? row : null), found);
        Assert.Contains(found, row => row is null);
    }
}
