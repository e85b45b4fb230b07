using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.RatingLog;

/// <summary>
/// Commits one group of appends in one transaction, in three steps:
/// <list type="number">
/// <item>No lock, one round trip: <c>synchronous_commit = on</c> whatever the server default; register possibly-new
/// user/item ids (<see cref="KnownIds"/>); draw a batch id per client batch; look up which idempotency keys are
/// already stored (their rows need not be written).</item>
/// <item>No lock: binary COPY of the rows into <c>rating_rows</c> under their batch ids. This is the expensive part
/// (heap and three index inserts per rating); it runs in parallel across silos.</item>
/// <item>Under the log lock, one round trip: <c>commit_rating_batches</c> takes the <c>log_stats</c> row lock, gives
/// each batch the next sequence range (one <c>rating_batches</c> row per batch), resolves idempotency keys again
/// (a retry that raced to another silo is caught here, and its rows dropped), moves the totals. Then COMMIT.</item>
/// </list>
/// <para>
/// Ordering: the lock is held from the sequence assignment until COMMIT returns, and PostgreSQL makes a transaction
/// visible before it releases its locks. The next group, in this or any other silo, reads <c>last_seq</c> only after
/// the previous one is durable and visible, so committed sequences are always a gap-free prefix 1..S, and a batch's
/// rows become visible together with its <c>rating_batches</c> row. A reader that has seen S (the reconciler's
/// snapshot, a grain's catch-up) never sees a sequence ≤ S appear later. The cost is that commits of one log are
/// serial across the cluster: a transaction-level advisory lock would do the same; the row lock is scoped to this
/// log's schema and is the row the group updates anyway. Because rows are written before the lock, the serial part is
/// one short round trip, a few row writes per batch, and the commit's WAL flush, not the per-rating work
/// (BENCHMARKS.md, "Storage on PostgreSQL", has the measured cost).
/// </para>
/// <para>
/// Deadlocks: ids are registered in sorted order and before the lock, and the lock holder touches no row another
/// transaction could hold, so groups cannot deadlock.
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
    private const string DrawBatchIds = "SELECT nextval('rating_batch_ids') FROM generate_series(1, $1);";
    private const string FindKeys = "SELECT batch_key FROM idempotency_keys WHERE batch_key = ANY($1::text[]);";
    private const string CopyRows = "COPY rating_rows (batch_id, ord, user_id, item_id, value, ts) FROM STDIN (FORMAT BINARY)";
    private const string CommitBatches = "SELECT first_seq, last_seq, duplicate FROM commit_rating_batches($1, $2, $3, $4, $5, $6, $7);";

    /// <summary>Results per request, in group order, once the transaction committed.</summary>
    /// <exception cref="IdempotencyKeyConflictException">Nothing was committed.</exception>
    /// <exception cref="CommitOutcomeUnknownException">The connection failed during COMMIT.</exception>
    public static async Task<AppendResult[]> RunAsync(NpgsqlDataSource dataSource, IReadOnlyList<AppendRequest> group,
        DateTimeOffset now, KnownIds knownIds, AppendWriterMetrics? metrics = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);

        var users = MaybeNewIds(group, static r => r.User, IdKind.User, knownIds);
        var items = MaybeNewIds(group, static r => r.Item, IdKind.Item, knownIds);
        var prepared = await PrepareAsync(connection, transaction, group, users, items).ConfigureAwait(false);
        var written = await CopyAsync(connection, group, prepared).ConfigureAwait(false);

        var locking = Stopwatch.GetTimestamp();
        var results = await CommitBatchesAsync(connection, transaction, group, prepared, written, now).ConfigureAwait(false);
        try
        {
            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not PostgresException)
        {
            // The server may or may not have committed; only an idempotency key makes a retry safe.
            throw new CommitOutcomeUnknownException(error);
        }
        metrics?.AddLockHeld(Stopwatch.GetElapsedTime(locking));
        knownIds.AddCommitted(users, IdKind.User);
        knownIds.AddCommitted(items, IdKind.Item);
        return results;
    }

    /// <summary>What step 1 learned: new id counts, a batch id per request (null: rows not needed), per-request sums.</summary>
    private sealed record Prepared(long NewUsers, long NewItems, long?[] BatchIds);

    private static async Task<Prepared> PrepareAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<AppendRequest> group, string[] users, string[] items)
    {
        var keys = DistinctKeys(group);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(DurableCommit));
        var register = new NpgsqlBatchCommand(RegisterIds);
        register.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = users });
        register.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = items });
        batch.BatchCommands.Add(register);
        var draw = new NpgsqlBatchCommand(DrawBatchIds);
        draw.Parameters.Add(new NpgsqlParameter<int> { TypedValue = group.Count });
        batch.BatchCommands.Add(draw);
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
        var batchIds = new long?[group.Count];
        for (var i = 0; i < batchIds.Length && await reader.ReadAsync().ConfigureAwait(false); i++) batchIds[i] = reader.GetInt64(0);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        if (keys.Length > 0)
        {
            await reader.NextResultAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false)) stored.Add(reader.GetString(0));
        }

        // A batch whose key is already stored, or repeats the key of an earlier batch of the group, will be a
        // duplicate: write no rows for it (the lock step confirms and hands back the original range).
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < group.Count; i++)
            if (group[i].IdempotencyKey is { } key && (stored.Contains(key) || !claimed.Add(key)))
                batchIds[i] = null;
        return new Prepared(newUsers, newItems, batchIds);
    }

    // Step 2: binary COPY of the rows of every batch that got a batch id; returns each request's value sum.
    private static async Task<double[]> CopyAsync(NpgsqlConnection connection, IReadOnlyList<AppendRequest> group, Prepared prepared)
    {
        var sums = new double[group.Count];
        if (prepared.BatchIds.All(id => id is null)) return sums;
        await using var importer = await connection.BeginBinaryImportAsync(CopyRows).ConfigureAwait(false);
        for (var i = 0; i < group.Count; i++)
        {
            if (prepared.BatchIds[i] is not { } batchId) continue;
            var ratings = group[i].Ratings;
            double sum = 0;
            for (var ord = 0; ord < ratings.Count; ord++)
            {
                var rating = ratings[ord];
                await importer.StartRowAsync().ConfigureAwait(false);
                await importer.WriteAsync(batchId, NpgsqlDbType.Bigint).ConfigureAwait(false);
                await importer.WriteAsync(ord, NpgsqlDbType.Integer).ConfigureAwait(false);
                await importer.WriteAsync(rating.User, NpgsqlDbType.Text).ConfigureAwait(false);
                await importer.WriteAsync(rating.Item, NpgsqlDbType.Text).ConfigureAwait(false);
                await importer.WriteAsync(rating.Value, NpgsqlDbType.Real).ConfigureAwait(false);
                await importer.WriteAsync(rating.Timestamp, NpgsqlDbType.Bigint).ConfigureAwait(false);
                sum += rating.Value;
            }
            sums[i] = sum;
        }
        await importer.CompleteAsync().ConfigureAwait(false);
        return sums;
    }

    // Step 3: the lock, sequence ranges, keys and totals in one round trip.
    private static async Task<AppendResult[]> CommitBatchesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<AppendRequest> group, Prepared prepared, double[] sums, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(CommitBatches, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = prepared.BatchIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = group.Select(r => r.Ratings.Count).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = group.Select(r => r.IdempotencyKey).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = sums });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = prepared.NewUsers });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = prepared.NewItems });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });

        var results = new AppendResult[group.Count];
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        for (var i = 0; i < results.Length; i++)
        {
            if (!await reader.ReadAsync().ConfigureAwait(false)) throw new InvalidOperationException("commit_rating_batches returned too few rows.");
            var result = new AppendResult(reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2));
            // Nothing is committed when this throws: the writer retries the other batches of the group without it.
            if (result.WasDuplicate && result.Count != group[i].Ratings.Count)
                throw new IdempotencyKeyConflictException(group[i].IdempotencyKey!, result.Count, group[i].Ratings.Count);
            results[i] = result;
        }
        return results;
    }

    private static string[] DistinctKeys(IReadOnlyList<AppendRequest> group)
    {
        HashSet<string>? keys = null;
        foreach (var request in group)
            if (request.IdempotencyKey is { } key) (keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
        return keys is null ? [] : [.. keys];
    }

    // The group's ids this process has not seen registered, sorted so every transaction inserts ids in the same
    // order (no lock-order deadlocks between groups).
    private static string[] MaybeNewIds(IReadOnlyList<AppendRequest> group, Func<Core.Model.RatingEvent, string> id, IdKind kind, KnownIds known)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in group)
            foreach (var rating in request.Ratings)
            {
                var value = id(rating);
                if (!known.Contains(value, kind)) ids.Add(value);
            }
        var sorted = ids.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }
}

/// <summary>The connection failed while COMMIT was in flight: the group may or may not be stored.</summary>
internal sealed class CommitOutcomeUnknownException(Exception inner)
    : IOException("The rating log lost its database connection while committing; the batch may or may not be stored. " +
                  "Retry it with the same idempotency key to make the retry safe.", inner);
