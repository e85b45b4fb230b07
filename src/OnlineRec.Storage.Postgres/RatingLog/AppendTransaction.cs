using Npgsql;
using NpgsqlTypes;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.RatingLog;

/// <summary>
/// Commits one group of appends in one transaction.
/// <para>
/// Ordering: sequence numbers are taken from <c>log_stats.last_seq</c> while holding that row's lock
/// (<c>SELECT … FOR UPDATE</c>), and the lock is held until COMMIT. PostgreSQL makes a transaction visible before it
/// releases its locks, so the next appender (in this or any other silo) can only read <c>last_seq</c> after the
/// previous group is durable and visible. Hence committed sequences are always a gap-free prefix 1..S: a reader that
/// has seen S (the reconciler's snapshot, a grain's catch-up) never sees a sequence ≤ S appear later. This is the
/// same guarantee a transaction-level advisory lock would give, scoped to this log's schema and tied to the row the
/// group updates anyway. The price is that commits of one log are serial across the cluster; group commit makes each
/// of them carry everything that queued meanwhile (see BENCHMARKS.md, Storage on PostgreSQL, for the measured cost).
/// </para>
/// <para>
/// Work is arranged so the lock is held as briefly as possible: new user/item ids are registered before the lock
/// (they do not depend on sequences; both are inserted in sorted order, so concurrent groups cannot deadlock, and the
/// lock holder never waits on them), then one round trip takes the lock and looks up idempotency keys, then binary
/// COPY, one round trip for keys and totals, and COMMIT with <c>synchronous_commit = on</c> whatever the server default.
/// </para>
/// </summary>
internal static class AppendTransaction
{
    private const string DurableCommit = "SELECT set_config('synchronous_commit', 'on', true);";
    private const string RegisterIds = """
        WITH new_users AS (
            INSERT INTO log_users (user_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING 1),
        new_items AS (
            INSERT INTO log_items (item_id) SELECT unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING 1)
        SELECT (SELECT count(*) FROM new_users), (SELECT count(*) FROM new_items);
        """;
    private const string LockLog = "SELECT last_seq FROM log_stats WHERE id = 1 FOR UPDATE;";
    private const string FindKeys = "SELECT batch_key, first_seq, last_seq FROM idempotency_keys WHERE batch_key = ANY($1::text[]);";
    private const string CopyRatings = "COPY ratings (seq, user_id, item_id, value, ts) FROM STDIN (FORMAT BINARY)";
    private const string InsertKeys = """
        INSERT INTO idempotency_keys (batch_key, first_seq, last_seq, created_at)
        SELECT k, f, l, $4 FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(k, f, l);
        """;
    private const string UpdateStats = """
        UPDATE log_stats
        SET rating_count = rating_count + $1, value_sum = value_sum + $2, last_seq = $3,
            user_count = user_count + $4, item_count = item_count + $5
        WHERE id = 1;
        """;

    /// <summary>Results per request, in group order, once the transaction committed.</summary>
    /// <exception cref="IdempotencyKeyConflictException">Nothing was committed.</exception>
    /// <exception cref="CommitOutcomeUnknownException">The connection failed during COMMIT.</exception>
    public static async Task<AppendResult[]> RunAsync(NpgsqlDataSource dataSource, IReadOnlyList<AppendRequest> group,
        DateTimeOffset now, Action<TimeSpan>? onLockWait = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);

        var keys = DistinctKeys(group);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (newUsers, newItems, lastSequence, storedKeys) = await LockAsync(connection, transaction, group, keys).ConfigureAwait(false);
        onLockWait?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(started));

        var plan = AppendPlan.Create(group, lastSequence, storedKeys);
        if (plan.NewRatings > 0 || newUsers > 0 || newItems > 0)
        {
            var sum = plan.NewRatings > 0 ? await CopyAsync(connection, group, plan).ConfigureAwait(false) : 0.0;
            await FinishAsync(connection, transaction, group, plan, sum, newUsers, newItems, now).ConfigureAwait(false);
        }

        try
        {
            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not PostgresException)
        {
            // The server may or may not have committed; only an idempotency key makes a retry safe.
            throw new CommitOutcomeUnknownException(error);
        }
        return plan.Results;
    }

    // One round trip: durable commit, register ids (before the lock), take the lock, read last_seq and stored keys.
    private static async Task<(long NewUsers, long NewItems, long LastSequence, Dictionary<string, (long, long)> StoredKeys)> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AppendRequest> group, string[] keys)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(DurableCommit));
        var register = new NpgsqlBatchCommand(RegisterIds);
        register.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = SortedDistinct(group, static r => r.User) });
        register.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = SortedDistinct(group, static r => r.Item) });
        batch.BatchCommands.Add(register);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LockLog));
        if (keys.Length > 0)
        {
            var find = new NpgsqlBatchCommand(FindKeys);
            find.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys });
            batch.BatchCommands.Add(find);
        }

        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        await reader.NextResultAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        var newUsers = reader.GetInt64(0);
        var newItems = reader.GetInt64(1);
        await reader.NextResultAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false)) throw new InvalidOperationException("The rating log's stats row is missing; was PostgresSchema.MigrateAsync run?");
        var lastSequence = reader.GetInt64(0);
        var stored = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        if (keys.Length > 0)
        {
            await reader.NextResultAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false)) stored[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }
        return (newUsers, newItems, lastSequence, stored);
    }

    // Binary COPY of every rating the plan stores; returns their value sum for the totals.
    private static async Task<double> CopyAsync(NpgsqlConnection connection, IReadOnlyList<AppendRequest> group, AppendPlan plan)
    {
        double sum = 0;
        await using var importer = await connection.BeginBinaryImportAsync(CopyRatings).ConfigureAwait(false);
        for (var i = 0; i < group.Count; i++)
        {
            var result = plan.Results[i];
            if (result.WasDuplicate) continue;
            var sequence = result.FirstSequence;
            foreach (var rating in group[i].Ratings)
            {
                await importer.StartRowAsync().ConfigureAwait(false);
                await importer.WriteAsync(sequence++, NpgsqlDbType.Bigint).ConfigureAwait(false);
                await importer.WriteAsync(rating.User, NpgsqlDbType.Text).ConfigureAwait(false);
                await importer.WriteAsync(rating.Item, NpgsqlDbType.Text).ConfigureAwait(false);
                await importer.WriteAsync(rating.Value, NpgsqlDbType.Real).ConfigureAwait(false);
                await importer.WriteAsync(rating.Timestamp, NpgsqlDbType.Bigint).ConfigureAwait(false);
                sum += rating.Value;
            }
        }
        await importer.CompleteAsync().ConfigureAwait(false);
        return sum;
    }

    // One round trip: remember the new keys, move the totals and last_seq.
    private static async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AppendRequest> group,
        AppendPlan plan, double sum, long newUsers, long newItems, DateTimeOffset now)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var newKeys = new List<(string Key, AppendResult Result)>();
        for (var i = 0; i < group.Count; i++)
            if (group[i].IdempotencyKey is { } key && !plan.Results[i].WasDuplicate) newKeys.Add((key, plan.Results[i]));
        if (newKeys.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(InsertKeys);
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = newKeys.Select(k => k.Key).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = newKeys.Select(k => k.Result.FirstSequence).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = newKeys.Select(k => k.Result.LastSequence).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            batch.BatchCommands.Add(insert);
        }
        var stats = new NpgsqlBatchCommand(UpdateStats);
        stats.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.NewRatings });
        stats.Parameters.Add(new NpgsqlParameter<double> { TypedValue = sum });
        stats.Parameters.Add(new NpgsqlParameter<long> { TypedValue = plan.LastSequence });
        stats.Parameters.Add(new NpgsqlParameter<long> { TypedValue = newUsers });
        stats.Parameters.Add(new NpgsqlParameter<long> { TypedValue = newItems });
        batch.BatchCommands.Add(stats);
        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static string[] DistinctKeys(IReadOnlyList<AppendRequest> group)
    {
        HashSet<string>? keys = null;
        foreach (var request in group)
            if (request.IdempotencyKey is { } key) (keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
        return keys is null ? [] : [.. keys];
    }

    // Sorted, so every transaction inserts ids in the same order (no lock-order deadlocks between groups).
    private static string[] SortedDistinct(IReadOnlyList<AppendRequest> group, Func<Core.Model.RatingEvent, string> id)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in group)
            foreach (var rating in request.Ratings)
                ids.Add(id(rating));
        var sorted = ids.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }
}

/// <summary>The connection failed while COMMIT was in flight: the group may or may not be stored.</summary>
internal sealed class CommitOutcomeUnknownException(Exception inner)
    : IOException("The rating log lost its database connection while committing; the batch may or may not be stored. " +
                  "Retry it with the same idempotency key to make the retry safe.", inner);
