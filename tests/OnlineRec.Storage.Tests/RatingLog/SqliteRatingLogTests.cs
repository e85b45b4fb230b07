using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Tests.RatingLog;

public sealed class SqliteRatingLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Appended_batch_reads_back_in_order_with_contiguous_sequences_from_one()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        var batch = SyntheticRatings.Batch(250);

        var result = await log.AppendAsync(batch);

        Assert.Equal(new AppendResult(1, 250, false), result);
        var read = await log.ReadRangeAsync(0, long.MaxValue).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), read.Select(r => r.Sequence));
        Assert.Equal(batch, read.Select(r => r.ToEvent()));
    }

    [Fact]
    public async Task Range_read_honours_both_bounds_across_pages()
    {
        await using var log = new SqliteRatingLog(_dir.Options(o => o.ReadPageSize = 7));
        await log.AppendAsync(SyntheticRatings.Batch(100));

        var read = await log.ReadRangeAsync(10, 55).ToListAsync();

        Assert.Equal(Enumerable.Range(11, 45).Select(i => (long)i), read.Select(r => r.Sequence));
    }

    [Theory]
    [InlineData(ShardKey.User)]
    [InlineData(ShardKey.Item)]
    public async Task Shard_reads_partition_the_log_up_to_a_sequence_by_id_in_order(ShardKey key)
    {
        await using var log = new SqliteRatingLog(_dir.Options(o => o.ReadPageSize = 64));
        var first = SyntheticRatings.Batch(300, seed: 1, users: 40, items: 30);
        var second = SyntheticRatings.Batch(200, seed: 2, users: 40, items: 30);
        await log.AppendAsync(first);
        await log.AppendAsync(second);
        var upTo = 420L;
        var expected = first.Concat(second).Select((r, i) => new LoggedRating(i + 1, r.User, r.Item, r.Value, r.Timestamp))
            .Where(r => r.Sequence <= upTo).ToList();

        var shards = new List<List<LoggedRating>>();
        for (var s = 0; s < 3; s++) shards.Add(await log.ReadShardAsync(new RatingShard(key, s, 3), upTo).ToListAsync());

        string IdOf(LoggedRating r) => key == ShardKey.User ? r.User : r.Item;
        // Together exactly the ratings up to the sequence; each shard in sequence order; every id in one shard only.
        Assert.Equal(expected, shards.SelectMany(s => s).OrderBy(r => r.Sequence));
        Assert.All(shards, s => Assert.Equal(s.OrderBy(r => r.Sequence), s));
        var shardsOfId = shards.SelectMany((s, index) => s.Select(r => (Id: IdOf(r), index))).Distinct().GroupBy(p => p.Id);
        Assert.All(shardsOfId, g => Assert.Single(g));
        Assert.True(shards.Count(s => s.Count > 0) >= 2, "forty ids should not all hash to one shard");
        Assert.Equal(expected, await log.ReadShardAsync(new RatingShard(key, 0, 1), upTo).ToListAsync());
    }

    [Fact]
    public async Task Concurrent_appenders_get_disjoint_contiguous_ranges_covering_every_sequence()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        var sizes = Enumerable.Range(0, 64).Select(i => 1 + i % 13).ToArray();

        var results = await Task.WhenAll(sizes.Select((size, i) =>
            Task.Run(() => log.AppendAsync(SyntheticRatings.Batch(size, seed: i)))));

        for (var i = 0; i < sizes.Length; i++) Assert.Equal(sizes[i], results[i].Count);
        var ordered = results.OrderBy(r => r.FirstSequence).ToArray();
        Assert.Equal(1, ordered[0].FirstSequence);
        for (var i = 1; i < ordered.Length; i++) Assert.Equal(ordered[i - 1].LastSequence + 1, ordered[i].FirstSequence);
        Assert.Equal(sizes.Sum(), await log.CountAsync());
        Assert.Equal(sizes.Sum(), await log.GetLastSequenceAsync());

        // Each caller's ratings sit exactly at the sequences it was told.
        var stored = await log.ReadRangeAsync(0, long.MaxValue).ToListAsync();
        for (var i = 0; i < sizes.Length; i++)
        {
            var slice = stored.Skip((int)results[i].FirstSequence - 1).Take(sizes[i]).Select(r => r.ToEvent());
            Assert.Equal(SyntheticRatings.Batch(sizes[i], seed: i), slice);
        }
    }

    public static TheoryData<RatingEvent> BadRatings => new()
    {
        new RatingEvent("u1", "i1", float.NaN, 0),
        new RatingEvent("u1", "i1", float.PositiveInfinity, 0),
        new RatingEvent("", "i1", 3, 0),
        new RatingEvent("u1", " ", 3, 0),
        new RatingEvent(new string('u', 257), "i1", 3, 0),
        new RatingEvent(null!, "i1", 3, 0),
    };

    [Theory]
    [MemberData(nameof(BadRatings))]
    public async Task A_batch_with_one_bad_rating_is_rejected_whole_and_nothing_is_stored(RatingEvent bad)
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        var batch = SyntheticRatings.Batch(10).ToList();
        batch.Insert(6, bad);

        var error = await Assert.ThrowsAsync<InvalidRatingBatchException>(() => log.AppendAsync(batch, "batch-1"));

        Assert.Equal(6, error.Index);
        Assert.Equal(0, await log.CountAsync());
        Assert.Equal(0, await log.GetLastSequenceAsync());
        // The key was not consumed either: the corrected batch is stored normally.
        var retry = await log.AppendAsync(SyntheticRatings.Batch(10), "batch-1");
        Assert.False(retry.WasDuplicate);
    }

    [Fact]
    public async Task Ids_of_exactly_256_characters_are_accepted()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        var result = await log.AppendAsync([new RatingEvent(new string('u', 256), new string('i', 256), 4, 0)]);
        Assert.Equal(1, result.LastSequence);
    }

    [Fact]
    public async Task Empty_batch_is_rejected()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        await Assert.ThrowsAsync<InvalidRatingBatchException>(() => log.AppendAsync([]));
    }

    [Fact]
    public async Task Retried_batch_with_same_key_returns_original_sequences_and_stores_nothing_twice()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        await log.AppendAsync(SyntheticRatings.Batch(5, seed: 9));
        var batch = SyntheticRatings.Batch(20, seed: 3);

        var first = await log.AppendAsync(batch, "client-42/batch-7");
        await log.AppendAsync(SyntheticRatings.Batch(3, seed: 4));
        var retry = await log.AppendAsync(batch, "client-42/batch-7");

        Assert.False(first.WasDuplicate);
        Assert.True(retry.WasDuplicate);
        Assert.Equal((first.FirstSequence, first.LastSequence), (retry.FirstSequence, retry.LastSequence));
        Assert.Equal(28, await log.CountAsync());
        Assert.Equal(28, await log.GetLastSequenceAsync());
    }

    [Fact]
    public async Task Concurrent_retries_of_one_key_store_the_batch_once()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        var batch = SyntheticRatings.Batch(30);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => log.AppendAsync(batch, "same-key"))));

        Assert.Single(results, r => !r.WasDuplicate);
        Assert.All(results, r => Assert.Equal((1L, 30L), (r.FirstSequence, r.LastSequence)));
        Assert.Equal(30, await log.CountAsync());
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_sized_batch_is_refused_without_hurting_other_appends()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        await log.AppendAsync(SyntheticRatings.Batch(4), "k");

        var tasks = new[]
        {
            log.AppendAsync(SyntheticRatings.Batch(2), "other-1"),
            log.AppendAsync(SyntheticRatings.Batch(5), "k"),
            log.AppendAsync(SyntheticRatings.Batch(3), "other-2"),
        };

        await Assert.ThrowsAsync<IdempotencyKeyConflictException>(() => tasks[1]);
        Assert.Equal(2, (await tasks[0]).Count);
        Assert.Equal(3, (await tasks[2]).Count);
        Assert.Equal(9, await log.CountAsync());
    }

    [Fact]
    public async Task Pruned_keys_no_longer_deduplicate()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2025-01-01T00:00:00Z"));
        await using var log = new SqliteRatingLog(_dir.Options(), clock);
        var batch = SyntheticRatings.Batch(3);
        await log.AppendAsync(batch, "old");
        clock.Advance(TimeSpan.FromHours(2));
        await log.AppendAsync(batch, "recent");

        var removed = await log.PruneIdempotencyKeysAsync(clock.GetUtcNow() - TimeSpan.FromHours(1));

        Assert.Equal(1, removed);
        Assert.False((await log.AppendAsync(batch, "old")).WasDuplicate);
        Assert.True((await log.AppendAsync(batch, "recent")).WasDuplicate);
    }

    [Fact]
    public async Task Everything_acknowledged_is_there_after_reopening_the_directory()
    {
        var options = _dir.Options();
        var acked = new List<AppendResult>();
        await using (var log = new SqliteRatingLog(options))
        {
            for (var i = 0; i < 10; i++) acked.Add(await log.AppendAsync(SyntheticRatings.Batch(17, seed: i), $"b{i}"));
        }

        await using var reopened = new SqliteRatingLog(options);
        Assert.Equal(170, await reopened.CountAsync());
        var stored = await reopened.ReadRangeAsync(0, long.MaxValue).ToListAsync();
        for (var i = 0; i < acked.Count; i++)
            Assert.Equal(SyntheticRatings.Batch(17, seed: i),
                stored.Where(r => r.Sequence >= acked[i].FirstSequence && r.Sequence <= acked[i].LastSequence).Select(r => r.ToEvent()));
        // Sequences continue after the reopen, and keys from before it are still remembered.
        Assert.Equal(171, (await reopened.AppendAsync(SyntheticRatings.Batch(1))).FirstSequence);
        Assert.True((await reopened.AppendAsync(SyntheticRatings.Batch(17, seed: 3), "b3")).WasDuplicate);
    }

    [Fact]
    public async Task User_and_item_reads_return_only_their_ratings_after_the_given_sequence()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        var batch = SyntheticRatings.Batch(300, users: 7, items: 5);
        await log.AppendAsync(batch);

        var expectedUser = batch.Select((r, i) => (r, seq: i + 1L)).Where(x => x.r.User == "u3" && x.seq > 100).ToList();
        var user = await log.ReadUserAsync("u3", afterSequence: 100).ToListAsync();
        Assert.Equal(expectedUser.Select(x => x.seq), user.Select(r => r.Sequence));
        Assert.Equal(expectedUser.Select(x => x.r), user.Select(r => r.ToEvent()));

        var expectedItem = batch.Select((r, i) => (r, seq: i + 1L)).Where(x => x.r.Item == "i2").Select(x => x.seq);
        Assert.Equal(expectedItem, (await log.ReadItemAsync("i2").ToListAsync()).Select(r => r.Sequence));
        Assert.Empty(await log.ReadUserAsync("nobody").ToListAsync());
    }

    [Fact]
    public async Task User_reads_stitch_indexed_and_not_yet_indexed_ratings_without_gaps_or_repeats()
    {
        var options = _dir.Options(o => { o.IndexChunkRows = 40; o.IndexMaxDelay = TimeSpan.FromHours(1); });
        var batch = SyntheticRatings.Batch(300, users: 4, items: 3);
        await using (var log = new SqliteRatingLog(options))
        {
            await log.AppendAsync(batch[..150]);
            await log.FlushIndexesAsync();            // 1..150 indexed
            await log.AppendAsync(batch[150..]);      // 151..300 only in the in-memory tail (unless the indexer ran)

            foreach (var after in new long[] { 0, 100, 149, 150, 151, 299, 300 })
            {
                var expected = batch.Select((r, i) => (r, seq: i + 1L)).Where(x => x.r.User == "u1" && x.seq > after).Select(x => x.seq);
                Assert.Equal(expected, (await log.ReadUserAsync("u1", after).ToListAsync()).Select(r => r.Sequence));
            }
        }

        // After a reopen everything comes from the indexes.
        await using var reopened = new SqliteRatingLog(options);
        var all = batch.Select((r, i) => (r, seq: i + 1L)).Where(x => x.r.Item == "i0").Select(x => x.seq);
        Assert.Equal(all, (await reopened.ReadItemAsync("i0").ToListAsync()).Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_second_instance_on_the_same_file_is_refused()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        Assert.Throws<InvalidOperationException>(() => new SqliteRatingLog(_dir.Options()));
    }

    [Fact]
    public async Task Stats_count_distinct_ids_and_mean_across_batches_and_duplicates()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        await log.AppendAsync([new("a", "x", 1, 0), new("b", "x", 2, 0)], "k1");
        await log.AppendAsync([new("a", "y", 4.5f, 0), new("c", "z", 5, 0)]);
        await log.AppendAsync([new("a", "x", 1, 0), new("b", "x", 2, 0)], "k1"); // duplicate: counts nothing

        var stats = await log.GetStatsAsync();

        Assert.Equal(new RatingLogStats(Count: 4, DistinctUsers: 3, DistinctItems: 3, MeanRating: 12.5 / 4, LastSequence: 4), stats);
    }

    [Fact]
    public async Task Empty_log_has_zero_stats()
    {
        await using var log = new SqliteRatingLog(_dir.Options());
        Assert.Equal(new RatingLogStats(0, 0, 0, 0, 0), await log.GetStatsAsync());
        Assert.Empty(await log.ReadRangeAsync(0, 100).ToListAsync());
    }
}

internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
