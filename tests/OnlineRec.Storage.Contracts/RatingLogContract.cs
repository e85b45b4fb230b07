using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Contracts;

/// <summary>
/// What every <see cref="IRatingLog"/> must do, whatever it is stored in. A storage's test class derives from this,
/// says how to open a fresh, empty log, and adds the tests only its storage needs.
/// </summary>
public abstract class RatingLogContract
{
    /// <summary>A new instance over this test's (initially empty) store. Several may be opened in turn.</summary>
    /// <param name="readPageSize">Rows per page for range reads, to exercise paging; null = the default.</param>
    protected abstract IRatingLog OpenLog(int? readPageSize = null);

    private static readonly RatingEvent[] BadRatings =
    [
        new("u1", "i1", float.NaN, 0),
        new("u1", "i1", float.PositiveInfinity, 0),
        new("", "i1", 3, 0),
        new("u1", " ", 3, 0),
        new(new string('u', 257), "i1", 3, 0),
        new(null!, "i1", 3, 0),
        new("u\n1", "i1", 3, 0),
        new("u1", "i\01", 3, 0),
        new("u1\uD800", "i1", 3, 0),
    ];

    [ContractFact]
    public async Task Appended_batch_reads_back_in_order_with_contiguous_sequences_from_one()
    {
        await using var log = OpenLog();
        var batch = SyntheticRatings.Batch(250);

        var result = await log.AppendAsync(batch);

        Assert.Equal(new AppendResult(1, 250, false), result);
        var read = await log.ReadRangeAsync(0, long.MaxValue).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), read.Select(r => r.Sequence));
        Assert.Equal(batch, read.Select(r => r.ToEvent()));
    }

    [ContractFact]
    public async Task Range_read_honours_both_bounds_across_pages()
    {
        await using var log = OpenLog(readPageSize: 7);
        await log.AppendAsync(SyntheticRatings.Batch(100));

        var read = await log.ReadRangeAsync(10, 55).ToListAsync();

        Assert.Equal(Enumerable.Range(11, 45).Select(i => (long)i), read.Select(r => r.Sequence));
    }

    [ContractFact]
    public async Task Shard_reads_partition_the_log_up_to_a_sequence_by_id_in_order()
    {
        await using var log = OpenLog(readPageSize: 64);
        var first = SyntheticRatings.Batch(300, seed: 1, users: 40, items: 30);
        var second = SyntheticRatings.Batch(200, seed: 2, users: 40, items: 30);
        await log.AppendAsync(first);
        await log.AppendAsync(second);
        var upTo = 420L;
        var expected = SyntheticRatings.AsLogged(first, second).Where(r => r.Sequence <= upTo).ToList();

        foreach (var key in new[] { ShardKey.User, ShardKey.Item })
        {
            var shards = new List<List<LoggedRating>>();
            for (var s = 0; s < 3; s++) shards.Add(await log.ReadShardAsync(new RatingShard(key, s, 3), upTo).ToListAsync());

            string IdOf(LoggedRating r) => key == ShardKey.User ? r.User : r.Item;
            // Together exactly the ratings up to the sequence; each shard in sequence order; every id in one shard only.
            Assert.Equal(expected, shards.SelectMany(s => s).OrderBy(r => r.Sequence));
            Assert.All(shards, s => Assert.Equal(s.OrderBy(r => r.Sequence), s));
            var shardsOfId = shards.SelectMany((s, index) => s.Select(r => (Id: IdOf(r), index))).Distinct().GroupBy(p => p.Id);
            Assert.All(shardsOfId, g => Assert.Single(g));
            Assert.True(shards.Count(s => s.Count > 0) >= 2, $"forty {key} ids should not all hash to one shard");
            Assert.Equal(expected, await log.ReadShardAsync(new RatingShard(key, 0, 1), upTo).ToListAsync());
        }
    }

    [ContractFact]
    public async Task User_and_item_reads_return_their_ratings_after_a_sequence_in_order()
    {
        await using var log = OpenLog();
        var first = SyntheticRatings.Batch(300, seed: 1, users: 7, items: 5);
        var second = SyntheticRatings.Batch(200, seed: 2, users: 7, items: 5);
        await log.AppendAsync(first);
        await log.AppendAsync(second);
        var all = SyntheticRatings.AsLogged(first, second);

        Assert.Equal(all.Where(r => r.User == "u3"), await log.ReadUserAsync("u3").ToListAsync());
        Assert.Equal(all.Where(r => r.User == "u3" && r.Sequence > 250), await log.ReadUserAsync("u3", afterSequence: 250).ToListAsync());
        Assert.Equal(all.Where(r => r.Item == "i4" && r.Sequence > 100), await log.ReadItemAsync("i4", afterSequence: 100).ToListAsync());
        Assert.Empty(await log.ReadUserAsync("nobody").ToListAsync());
    }

    [ContractFact]
    public async Task Stats_count_ratings_distinct_ids_and_the_mean_exactly_and_duplicates_count_nothing()
    {
        await using var log = OpenLog();
        Assert.Equal(new RatingLogStats(0, 0, 0, 0, 0), await log.GetStatsAsync());
        Assert.Empty(await log.ReadRangeAsync(0, 100).ToListAsync());

        await log.AppendAsync([new("alice", "matrix", 5, 1), new("bob", "matrix", 3, 2), new("alice", "alien", 4, 3)], "k1");
        await log.AppendAsync([new RatingEvent("carol", "alien", 0.5f, 4)]);
        await log.AppendAsync([new("alice", "matrix", 5, 1), new("bob", "matrix", 3, 2), new("alice", "alien", 4, 3)], "k1"); // a retry

        Assert.Equal(new RatingLogStats(4, 3, 2, (5 + 3 + 4 + 0.5) / 4, 4), await log.GetStatsAsync());
        Assert.Equal(4, await log.CountAsync());
        Assert.Equal(4, await log.GetLastSequenceAsync());
    }

    [ContractFact]
    public async Task A_batch_with_one_bad_rating_is_rejected_whole_stores_nothing_and_leaves_its_key_unused()
    {
        await using var log = OpenLog();
        var stored = 0L;
        var index = 0;
        foreach (var bad in BadRatings)
        {
            var key = $"batch-{index++}";
            var batch = SyntheticRatings.Batch(10).ToList();
            batch.Insert(6, bad);

            var error = await Assert.ThrowsAsync<InvalidRatingBatchException>(() => log.AppendAsync(batch, key));

            Assert.Equal(6, error.Index);
            Assert.Equal(stored, await log.CountAsync());
            Assert.Equal(stored, await log.GetLastSequenceAsync());
            // The key was not consumed: the corrected batch is stored normally.
            var retry = await log.AppendAsync(SyntheticRatings.Batch(10), key);
            Assert.False(retry.WasDuplicate);
            stored += 10;
        }
        await Assert.ThrowsAsync<InvalidRatingBatchException>(() => log.AppendAsync([]));
        Assert.Equal(1 + stored, (await log.AppendAsync([new RatingEvent(new string('u', 256), new string('i', 256), 4, 0)])).LastSequence);
    }

    [ContractFact]
    public async Task A_batch_under_a_key_outside_the_rules_is_rejected_whole_and_a_key_of_256_characters_is_kept()
    {
        await using var log = OpenLog();
        foreach (var key in new[] { "", new string('k', 257), "key\0", "key\uDC00" })
        {
            var error = await Assert.ThrowsAsync<InvalidRatingBatchException>(() => log.AppendAsync(SyntheticRatings.Batch(3), key));
            Assert.Equal(-1, error.Index);
        }
        Assert.Equal(0, await log.CountAsync());

        var longest = new string('k', 256);
        var first = await log.AppendAsync(SyntheticRatings.Batch(3), longest);
        Assert.True((await log.AppendAsync(SyntheticRatings.Batch(3), longest)).WasDuplicate);
        Assert.Equal(first.LastSequence, await log.GetLastSequenceAsync());
    }

    [ContractFact]
    public async Task Ids_with_surrogate_pairs_and_other_non_ascii_text_read_back_unchanged()
    {
        await using var log = OpenLog();
        var user = "user-😀-ü-中";
        var item = "item-\U0001F3B5";

        await log.AppendAsync([new RatingEvent(user, item, 4, 1)]);

        var read = Assert.Single(await log.ReadUserAsync(user).ToListAsync());
        Assert.Equal((user, item), (read.User, read.Item));
    }
}
