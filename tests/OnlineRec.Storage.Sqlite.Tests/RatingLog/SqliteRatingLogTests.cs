using OnlineRec.Core.Model;
using OnlineRec.Storage.Contracts;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite.RatingLog;

namespace OnlineRec.Storage.Sqlite.Tests.RatingLog;

/// <summary>The shared log contract (<see cref="RatingLogContract"/>) plus what is particular to the SQLite log.</summary>
public sealed class SqliteRatingLogTests : RatingLogContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    protected override IRatingLog OpenLog(int? readPageSize = null) =>
        new SqliteRatingLog(_dir.Options(o => o.ReadPageSize = readPageSize ?? o.ReadPageSize));

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

}

internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
