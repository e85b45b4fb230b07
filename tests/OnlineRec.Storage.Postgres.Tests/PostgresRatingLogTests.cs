using OnlineRec.Core.Model;
using OnlineRec.Storage.Postgres.RatingLog;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.Tests;

public sealed class PostgresRatingLogTests
{

    [PostgresFact]
    public async Task Concurrent_appenders_on_two_instances_get_disjoint_contiguous_ranges_and_readers_never_see_a_gap()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        // Two instances with their own pools and group-commit writers: what two silos do.
        await using var siloA = new PostgresRatingLog(db.Options);
        await using var siloB = new PostgresRatingLog(db.Options);
        await using var reader = new PostgresRatingLog(db.Options);
        var sizes = Enumerable.Range(0, 120).Select(i => 1 + i * 7 % 40).ToArray();
        using var appending = new CancellationTokenSource();

        // A reader keeps taking "everything up to S" snapshots while the appenders run: each must be exactly 1..S,
        // and what it saw of a sequence must never change.
        var seen = new Dictionary<long, LoggedRating>();
        var snapshots = 0;
        var watcher = Task.Run(async () =>
        {
            while (!appending.IsCancellationRequested)
            {
                var last = await reader.GetLastSequenceAsync();
                var rows = await reader.ReadRangeAsync(0, last).ToListAsync();
                Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), rows.Select(r => r.Sequence));
                foreach (var row in rows)
                    if (!seen.TryAdd(row.Sequence, row)) Assert.Equal(seen[row.Sequence], row);
                snapshots++;
            }
        });
        var results = await Task.WhenAll(sizes.Select((size, i) =>
            Task.Run(() => (i % 2 == 0 ? siloA : siloB).AppendAsync(SyntheticRatings.Batch(size, seed: i), $"batch-{i}"))));
        appending.Cancel();
        await watcher;

        Assert.True(snapshots > 0);
        var ordered = results.OrderBy(r => r.FirstSequence).ToArray();
        Assert.Equal(1, ordered[0].FirstSequence);
        for (var i = 1; i < ordered.Length; i++) Assert.Equal(ordered[i - 1].LastSequence + 1, ordered[i].FirstSequence);
        Assert.Equal(sizes.Sum(), await reader.GetLastSequenceAsync());
        var stored = await reader.ReadRangeAsync(0, long.MaxValue).ToListAsync();
        for (var i = 0; i < sizes.Length; i++)
        {
            Assert.Equal(sizes[i], results[i].Count);
            var slice = stored.Skip((int)results[i].FirstSequence - 1).Take(sizes[i]).Select(r => r.ToEvent());
            Assert.Equal(SyntheticRatings.Batch(sizes[i], seed: i), slice);
        }
    }

    [PostgresFact]
    public async Task A_batch_retried_to_another_instance_is_stored_once_and_gets_its_original_sequences()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var siloA = new PostgresRatingLog(db.Options);
        await using var siloB = new PostgresRatingLog(db.Options);
        await siloA.AppendAsync(SyntheticRatings.Batch(5, seed: 9));
        var batch = SyntheticRatings.Batch(20, seed: 3);

        var first = await siloA.AppendAsync(batch, "client-42/batch-7");
        await siloB.AppendAsync(SyntheticRatings.Batch(3, seed: 4));
        var retry = await siloB.AppendAsync(batch, "client-42/batch-7");

        Assert.False(first.WasDuplicate);
        Assert.True(retry.WasDuplicate);
        Assert.Equal((first.FirstSequence, first.LastSequence), (retry.FirstSequence, retry.LastSequence));
        Assert.Equal(28, await siloB.CountAsync());
        Assert.Equal(28, await siloA.GetLastSequenceAsync());
    }

    [PostgresFact]
    public async Task Concurrent_retries_of_one_key_on_two_instances_store_the_batch_once()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var siloA = new PostgresRatingLog(db.Options);
        await using var siloB = new PostgresRatingLog(db.Options);
        var batch = SyntheticRatings.Batch(30);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => (i % 2 == 0 ? siloA : siloB).AppendAsync(batch, "same-key"))));

        Assert.Single(results, r => !r.WasDuplicate);
        Assert.All(results, r => Assert.Equal((1L, 30L), (r.FirstSequence, r.LastSequence)));
        Assert.Equal(30, await siloA.CountAsync());
        // Retries that wrote their rows before learning they were duplicates left nothing behind.
        Assert.Equal(30L, await db.ScalarAsync<long>($"SELECT count(*) FROM {db.Options.Schema}.rating_rows;"));
    }

    [PostgresFact]
    public async Task Rows_written_for_a_retry_that_lost_the_race_to_another_silo_are_dropped_under_the_lock()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var log = new PostgresRatingLog(db.Options);
        var original = await log.AppendAsync(SyntheticRatings.Batch(2), "raced");
        // What a silo that checked the key before the other silo committed has done by the time it gets the lock.
        var schema = db.Options.Schema;
        await db.ExecuteAsync($"INSERT INTO {schema}.rating_rows VALUES (9999, 0, 'u', 'i', 3, 0), (9999, 1, 'u', 'j', 4, 0);");

        var row = await db.ScalarAsync<string>(
            $"SELECT r::text FROM {schema}.commit_rating_batches(ARRAY[9999]::bigint[], ARRAY[2], ARRAY['raced'], ARRAY[7.0], 0, 0, now()) r;");

        Assert.Equal($"({original.FirstSequence},{original.LastSequence},t)", row);
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.rating_rows WHERE batch_id = 9999;"));
        Assert.Equal(2, await log.CountAsync());
    }

    [PostgresFact]
    public async Task Reusing_a_key_for_a_different_sized_batch_is_refused_without_hurting_batches_committed_with_it()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var log = new PostgresRatingLog(db.Options);
        await log.AppendAsync(SyntheticRatings.Batch(4), "k");

        var tasks = new[]
        {
            log.AppendAsync(SyntheticRatings.Batch(2), "other-1"),
            log.AppendAsync(SyntheticRatings.Batch(5), "k"),
            log.AppendAsync(SyntheticRatings.Batch(3), "other-2"),
            log.AppendAsync(SyntheticRatings.Batch(1)),
        };

        await Assert.ThrowsAsync<IdempotencyKeyConflictException>(() => tasks[1]);
        var others = await Task.WhenAll(tasks[0], tasks[2], tasks[3]);
        Assert.Equal(new[] { 2L, 3L, 1L }, others.Select(r => r.Count));
        Assert.Equal(10, await log.CountAsync());
        Assert.Equal(10, await log.GetLastSequenceAsync());
    }

    [PostgresFact]
    public async Task Pruned_keys_are_forgotten_and_recent_ones_kept()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var log = new PostgresRatingLog(db.Options);
        await log.AppendAsync(SyntheticRatings.Batch(3), "old");

        Assert.Equal(0, await log.PruneIdempotencyKeysAsync(DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.True((await log.AppendAsync(SyntheticRatings.Batch(3), "old")).WasDuplicate);
        Assert.Equal(1, await log.PruneIdempotencyKeysAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.False((await log.AppendAsync(SyntheticRatings.Batch(3), "old")).WasDuplicate);
    }

    [PostgresFact]
    public async Task Appends_queued_before_dispose_are_committed()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        Task<AppendResult>[] pending;
        await using (var log = new PostgresRatingLog(db.Options))
            pending = Enumerable.Range(0, 50).Select(i => log.AppendAsync(SyntheticRatings.Batch(10, seed: i))).ToArray();

        await Task.WhenAll(pending);
        await using var reopened = new PostgresRatingLog(db.Options);
        Assert.Equal(500, await reopened.CountAsync());
    }
}
