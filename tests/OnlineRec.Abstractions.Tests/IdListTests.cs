using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Abstractions;
using Orleans.Serialization;

namespace OnlineRec.Abstractions.Tests;

public sealed class IdListTests
{
    // Empty ids, a surrogate pair, ids around the one-char length limit and one far beyond it.
    private static readonly string[] Ids =
        ["196", "", "item-242", "\U0001F3B5 song", new string('a', 0x7FFE), new string('b', 0x7FFF), "", new string('c', 100_000), "x"];

    [Fact]
    public void Ids_come_back_in_order_after_a_trip_through_the_orleans_codec()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var received = serializer.Deserialize<IdList>(serializer.SerializeToArray(IdList.Of(Ids)))!;

        Assert.True(received.IsWellFormed());
        Assert.Equal(Ids.Length, received.Count);
        Assert.Equal(Ids, Enumerable.Range(0, received.Count).Select(received.IdAt));
        Assert.True(received[3].SequenceEqual(Ids[3]));
    }

    [Fact]
    public void A_list_is_its_ids_with_lengths_and_nothing_else()
    {
        Assert.Equal("\u0003196\u0000\u0001x", IdList.Of("196", "", "x").Packed);
        Assert.Equal(0, IdList.Of().Count);
        var selected = IdList.Of([("u1", 1), ("u22", 2)], static p => p.Item1);
        Assert.Equal(["u1", "u22"], [selected.IdAt(0), selected.IdAt(1)]);
    }

    [Theory]
    [InlineData("\u0003ab")]                  // a length beyond the end
    [InlineData("\u0001a\u0002b")]            // the last id cut short
    [InlineData("\u7FFF\u0001")]              // a long length missing its second char
    [InlineData("\u7FFF\u8000\u0000x")]       // a long length with a char above 15 bits
    public void A_malformed_list_from_a_peer_is_refused(string packed)
    {
        var list = IdList.FromPacked(packed);

        Assert.False(list.IsWellFormed());
        Assert.Throws<InvalidDataException>(() => list.Count);
    }

    [Fact]
    public void A_received_list_may_be_read_from_several_threads_at_once()
    {
        var packed = IdList.Of(Enumerable.Range(0, 5_000).Select(i => "u" + i).ToArray()).Packed;
        var list = IdList.FromPacked(packed); // parsed on first use, by whichever thread comes first

        var seen = Enumerable.Range(0, 4).AsParallel().Select(_ => string.Join(",", Enumerable.Range(0, list.Count).Select(list.IdAt))).ToArray();

        Assert.All(seen, s => Assert.Equal(string.Join(",", Enumerable.Range(0, 5_000).Select(i => "u" + i)), s));
    }
}
