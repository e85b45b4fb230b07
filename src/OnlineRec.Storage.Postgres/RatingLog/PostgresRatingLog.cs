using System.Runtime.CompilerServices;
using Npgsql;
using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.RatingLog;

/// <summary>
/// <see cref="IRatingLog"/> on PostgreSQL, shared by every silo of a cluster. Appends go through an in-process
/// group-commit writer (<see cref="AppendGroupWriter"/>) into one transaction per group: binary COPY of the ratings,
/// then, under the log lock, sequence ranges, idempotency keys and running totals, committed with
/// <c>synchronous_commit = on</c> before any caller is answered (<see cref="AppendTransaction"/>).
/// <list type="bullet">
/// <item>Sequences: contiguous within a batch and, across all silos, committed in order: a reader never sees a gap
/// that fills later (<see cref="AppendTransaction"/> explains how and what it costs).</item>
/// <item>Exactly-once retries: the key is the primary key of <c>idempotency_keys</c>, looked up under the log lock,
/// so a batch retried to any silo, even concurrently, is stored once and every caller gets its original sequences.</item>
/// <item>Reads use pooled connections and never wait for the writer; range reads page by sequence. A rating's
/// sequence is its batch's first sequence plus its position in the batch (the rows are written before the
/// sequences are known).</item>
/// </list>
/// The schema must exist: run <see cref="Schema.PostgresSchema.MigrateAsync(PostgresStorageOptions, bool, CancellationToken)"/> first.
/// </summary>
public sealed class PostgresRatingLog : IRatingLog
{
    private readonly PostgresStorageOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly AppendGroupWriter _writer;
    private readonly TimeProvider _time;
    private long _nextPruneAtMs;
    private int _disposed;

    public PostgresRatingLog(PostgresStorageOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _dataSource = PostgresDataSources.Create(_options, "OnlineRec rating log");
        _writer = new AppendGroupWriter(_dataSource, _time, _options.MaxRatingsPerTransaction);
        _nextPruneAtMs = NowMs();
    }

    internal AppendWriterMetrics WriterMetrics => _writer.Metrics;

    public Task<AppendResult> AppendAsync(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        RatingRules.ThrowIfInvalid(ratings, idempotencyKey, _options.MaxBatchSize);
        cancellationToken.ThrowIfCancellationRequested();
        if (idempotencyKey is not null) SchedulePruneIfDue(NowMs());
        return _writer.EnqueueAsync(new AppendRequest(ratings, idempotencyKey, cancellationToken));
    }

    public async Task<int> PruneIdempotencyKeysAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM idempotency_keys WHERE created_at < $1;");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = olderThan.ToUniversalTime() });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Keys older than the retention window are dropped in the background, at most ten times per window per silo.
    private void SchedulePruneIfDue(long nowMs)
    {
        var due = Interlocked.Read(ref _nextPruneAtMs);
        if (nowMs < due) return;
        var retentionMs = (long)_options.IdempotencyRetention.TotalMilliseconds;
        if (Interlocked.CompareExchange(ref _nextPruneAtMs, nowMs + Math.Max(retentionMs / 10, 1000), due) != due) return;
        _ = PruneIdempotencyKeysAsync(DateTimeOffset.FromUnixTimeMilliseconds(nowMs - retentionMs))
            .ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    public async IAsyncEnumerable<LoggedRating> ReadRangeAsync(long afterSequence, long upToSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Windows of ReadPageSize sequences, each its own short statement: a retrain streaming millions of rows never
        // holds one snapshot (and with it vacuum) for the whole scan. Committed sequences are a gap-free prefix, so a
        // window that comes back short has reached the end of the log.
        var cursor = Math.Max(afterSequence, 0);
        while (cursor < upToSequence)
        {
            var windowEnd = upToSequence - cursor > _options.ReadPageSize ? cursor + _options.ReadPageSize : upToSequence;
            var rows = 0L;
            await using var command = _dataSource.CreateCommand("""
                SELECT b.first_seq + r.ord, r.user_id, r.item_id, r.value, r.ts
                FROM rating_batches b
                JOIN rating_rows r ON r.batch_id = b.batch_id AND r.ord >= $1 + 1 - b.first_seq AND r.ord <= $2 - b.first_seq
                WHERE b.first_seq >= coalesce((SELECT max(first_seq) FROM rating_batches WHERE first_seq <= $1 + 1), 1)
                  AND b.first_seq <= $2
                ORDER BY b.first_seq, r.ord;
                """);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = cursor });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = windowEnd });
            await foreach (var rating in ReadAsync(command, cancellationToken).ConfigureAwait(false))
            {
                rows++;
                yield return rating;
            }
            if (rows < windowEnd - cursor) yield break;
            cursor = windowEnd;
        }
    }

    /// <summary>
    /// The range read of <see cref="ReadRangeAsync"/> with the shard filter evaluated by the server, so each silo
    /// receives only its shard's rows. Partition: PostgreSQL's <c>hashtext</c> of the id (ids are <c>COLLATE "C"</c>,
    /// so the hash depends only on the bytes), made non-negative, modulo the shard count. Every worker of a retrain
    /// reads the same database, so they all agree on it.
    /// </summary>
    public async IAsyncEnumerable<LoggedRating> ReadShardAsync(RatingShard shard, long upToSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        shard.Validate();
        var column = shard.Key == ShardKey.User ? "r.user_id" : "r.item_id";
        // Windows as in ReadRangeAsync, but a filtered window may legitimately come back short: walk to upToSequence,
        // which must not run past the committed log.
        var end = Math.Min(upToSequence, await GetLastSequenceAsync(cancellationToken).ConfigureAwait(false));
        var cursor = 0L;
        while (cursor < end)
        {
            var windowEnd = end - cursor > _options.ReadPageSize ? cursor + _options.ReadPageSize : end;
            await using var command = _dataSource.CreateCommand($"""
                SELECT b.first_seq + r.ord, r.user_id, r.item_id, r.value, r.ts
                FROM rating_batches b
                JOIN rating_rows r ON r.batch_id = b.batch_id AND r.ord >= $1 + 1 - b.first_seq AND r.ord <= $2 - b.first_seq
                WHERE b.first_seq >= coalesce((SELECT max(first_seq) FROM rating_batches WHERE first_seq <= $1 + 1), 1)
                  AND b.first_seq <= $2
                  AND (hashtext({column}) & 2147483647) % $3 = $4
                ORDER BY b.first_seq, r.ord;
                """);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = cursor });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = windowEnd });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = shard.Count });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = shard.Index });
            await foreach (var rating in ReadAsync(command, cancellationToken).ConfigureAwait(false)) yield return rating;
            cursor = windowEnd;
        }
    }

    public IAsyncEnumerable<LoggedRating> ReadUserAsync(string user, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return ReadByKeyAsync("""
            SELECT b.first_seq + r.ord AS seq, r.user_id, r.item_id, r.value, r.ts
            FROM rating_rows r JOIN rating_batches b ON b.batch_id = r.batch_id
            WHERE r.user_id = $1 AND b.first_seq + r.ord > $2
            ORDER BY seq;
            """, user, afterSequence, cancellationToken);
    }

    public IAsyncEnumerable<LoggedRating> ReadItemAsync(string item, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ReadByKeyAsync("""
            SELECT b.first_seq + r.ord AS seq, r.user_id, r.item_id, r.value, r.ts
            FROM rating_rows r JOIN rating_batches b ON b.batch_id = r.batch_id
            WHERE r.item_id = $1 AND b.first_seq + r.ord > $2
            ORDER BY seq;
            """, item, afterSequence, cancellationToken);
    }

    private async IAsyncEnumerable<LoggedRating> ReadByKeyAsync(string sql, string id, long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
        await foreach (var rating in ReadAsync(command, cancellationToken).ConfigureAwait(false)) yield return rating;
    }

    private static async IAsyncEnumerable<LoggedRating> ReadAsync(NpgsqlCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            yield return new LoggedRating(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFloat(3), reader.GetInt64(4));
    }

    public async Task<long> GetLastSequenceAsync(CancellationToken cancellationToken = default) =>
        (await GetStatsAsync(cancellationToken).ConfigureAwait(false)).LastSequence;

    public async Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        (await GetStatsAsync(cancellationToken).ConfigureAwait(false)).Count;

    /// <summary>One row of running totals, exact as of the last commit (no scan).</summary>
    public async Task<RatingLogStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT rating_count, value_sum, last_seq, user_count, item_count FROM log_stats WHERE id = 1;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException("The rating log's stats row is missing; was PostgresSchema.MigrateAsync run?");
        var count = reader.GetInt64(0);
        var mean = count == 0 ? 0.0 : reader.GetDouble(1) / count;
        return new RatingLogStats(count, reader.GetInt64(3), reader.GetInt64(4), mean, reader.GetInt64(2));
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
