using OnlineRec.Core.Serving;

namespace OnlineRec.Core.Tests.Serving;

public sealed class IdTableTests
{
    [Fact]
    public void Finds_every_added_id_by_span_across_growth_and_nothing_else()
    {
        var table = new IdTable();
        for (var i = 0; i < 5_000; i++) table.Add("user-" + i, i * 3); // from 16 slots through many doublings

        Assert.Equal(5_000, table.Count);
        for (var i = 0; i < 5_000; i++) Assert.Equal(i * 3, table.IndexOf(("xuser-" + i + "x").AsSpan(1, ("user-" + i).Length)));
        Assert.Equal(-1, table.IndexOf("user-5000"));
        Assert.Equal(-1, table.IndexOf("User-1")); // ordinal, case-sensitive
        Assert.Equal(-1, table.IndexOf(""));
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => ("user-" + i, i * 3)).Order(), table.Entries().Order());
    }

    [Fact]
    public void A_batch_of_packed_ids_gets_the_same_indices_as_one_lookup_each()
    {
        var table = new IdTable(expectedCount: 100);
        for (var i = 0; i < 300; i++) table.Add("item" + i, i);
        var random = new Random(5);
        // Known and unknown ids, repeats, an empty id, and ids that are prefixes of each other.
        var ids = Enumerable.Range(0, 1_000).Select(_ => random.Next(4) switch
        {
            0 => "item" + random.Next(400),
            1 => "item" + random.Next(30),
            2 => "nope" + random.Next(10),
            _ => random.Next(50) == 0 ? "" : "item" + random.Next(300),
        }).ToArray();
        var indices = new int[ids.Length];

        table.IndicesOf(new Ids(ids), indices);

        Assert.Equal(ids.Select(id => table.IndexOf(id)), indices);
        Assert.Contains(-1, indices);
    }

    [Fact]
    public async Task Readers_never_miss_an_id_added_before_they_looked_while_the_writer_keeps_growing_the_table()
    {
        const int total = 200_000;
        var table = new IdTable();
        var ids = Enumerable.Range(0, total).Select(i => "u" + i).ToArray();
        var added = -1;
        var missed = 0;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < total; i++)
            {
                table.Add(ids[i], i);
                Volatile.Write(ref added, i);
            }
        });
        var readers = Enumerable.Range(0, 2).Select(seed => Task.Run(() =>
        {
            var random = new Random(seed);
            var indices = new int[64];
            while (!writer.IsCompleted)
            {
                var upTo = Volatile.Read(ref added);
                if (upTo < 0) continue;
                var id = random.Next(upTo + 1);
                if (table.IndexOf(ids[id]) != id) Interlocked.Increment(ref missed);
                // The batched path too: 64 ids that were all added before this look.
                var batch = Enumerable.Range(0, 64).Select(_ => random.Next(upTo + 1)).ToArray();
                table.IndicesOf(new Ids([.. batch.Select(b => ids[b])]), indices);
                if (!indices.SequenceEqual(batch)) Interlocked.Increment(ref missed);
            }
        })).ToArray();

        await Task.WhenAll([writer, .. readers]);

        Assert.Equal(0, missed);
        Assert.Equal(total, table.Count);
    }

    [Fact]
    public void Rejects_a_batch_with_too_few_index_slots()
    {
        var table = new IdTable();
        Assert.Throws<ArgumentException>(() => table.IndicesOf(new Ids(["a", "b"]), new int[1]));
    }

    private readonly struct Ids(string[] ids) : IIdSource
    {
        public int Count => ids.Length;

        public ReadOnlySpan<char> this[int index] => ids[index];
    }
}
