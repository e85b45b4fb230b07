using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using OnlineRec.Core.Model;
using OnlineRec.Storage.Sqlite;

namespace OnlineRec.Storage.RatingLog;

/// <summary>
/// <see cref="IRatingLog"/> on an embedded SQLite file (WAL). Appends go through a group-commit writer
/// (<see cref="SqliteWriteQueue"/>): concurrent batches share one transaction and one fsync, and each caller is
/// answered only after that commit. Reads use their own pooled connections and never block the writer.
/// </summary>
public sealed class SqliteRatingLog : IRatingLog
{
    private readonly SqliteStorageOptions _options;
    private readonly SqliteDatabase _database;
    private readonly SqliteWriteQueue _writer;
    private readonly TimeProvider _time;
    private long _nextPruneAtMs;

    public SqliteRatingLog(SqliteStorageOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _database = new SqliteDatabase(options.RatingLogPath, options.RatingLogDurability, options.BusyTimeout);
        SqliteSchema.Ensure(_database, SqliteRatingLogSchema.Component, SqliteRatingLogSchema.Version, SqliteRatingLogSchema.Ddl);
        _writer = new SqliteWriteQueue(_database, options.MaxRatingsPerTransaction, name: "rating-log-writer");
        _nextPruneAtMs = NowMs();
    }

    public string DatabasePath => _database.Path;

    public Task<AppendResult> AppendAsync(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        RatingBatchValidator.Validate(ratings, idempotencyKey, _options.MaxBatchSize);
        cancellationToken.ThrowIfCancellationRequested();
        var now = NowMs();
        if (idempotencyKey is not null) SchedulePruneIfDue(now);
        return _writer.EnqueueAsync(new AppendOperation(ratings, idempotencyKey, now, cancellationToken));
    }

    public Task<int> PruneIdempotencyKeysAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        _writer.EnqueueAsync(new PruneKeysOperation(olderThan.ToUnixTimeMilliseconds(), cancellationToken));

    // Keys older than the retention window are dropped in the background, at most ten times per window.
    private void SchedulePruneIfDue(long nowMs)
    {
        var due = Interlocked.Read(ref _nextPruneAtMs);
        if (nowMs < due) return;
        var retentionMs = (long)_options.IdempotencyRetention.TotalMilliseconds;
        if (Interlocked.CompareExchange(ref _nextPruneAtMs, nowMs + Math.Max(retentionMs / 10, 1000), due) != due) return;
        _ = _writer.EnqueueAsync(new PruneKeysOperation(nowMs - retentionMs, CancellationToken.None))
            .ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    public async IAsyncEnumerable<LoggedRating> ReadRangeAsync(long afterSequence, long upToSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Keyset pages, each in its own short read transaction: a long scan never pins an old WAL snapshot,
        // so checkpoints keep up while a retrain streams millions of rows.
        var cursor = afterSequence;
        while (cursor < upToSequence)
        {
            var rowsInPage = 0;
            await foreach (var rating in QueryAsync("""
                SELECT seq, user_id, item_id, value, ts FROM ratings
                WHERE seq > $after AND seq <= $upTo ORDER BY seq LIMIT $limit;
                """, command =>
                {
                    command.Parameters.AddWithValue("$after", cursor);
                    command.Parameters.AddWithValue("$upTo", upToSequence);
                    command.Parameters.AddWithValue("$limit", _options.ReadPageSize);
                }, cancellationToken).ConfigureAwait(false))
            {
                rowsInPage++;
                cursor = rating.Sequence;
                yield return rating;
            }
            if (rowsInPage < _options.ReadPageSize) yield break;
        }
    }

    public IAsyncEnumerable<LoggedRating> ReadUserAsync(string user, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return QueryAsync(
            "SELECT seq, user_id, item_id, value, ts FROM ratings WHERE user_id = $id AND seq > $after ORDER BY seq;",
            command =>
            {
                command.Parameters.AddWithValue("$id", user);
                command.Parameters.AddWithValue("$after", afterSequence);
            }, cancellationToken);
    }

    public IAsyncEnumerable<LoggedRating> ReadItemAsync(string item, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return QueryAsync(
            "SELECT seq, user_id, item_id, value, ts FROM ratings WHERE item_id = $id AND seq > $after ORDER BY seq;",
            command =>
            {
                command.Parameters.AddWithValue("$id", item);
                command.Parameters.AddWithValue("$after", afterSequence);
            }, cancellationToken);
    }

    public async Task<long> GetLastSequenceAsync(CancellationToken cancellationToken = default) =>
        (await GetStatsAsync(cancellationToken).ConfigureAwait(false)).LastSequence;

    public async Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        (await GetStatsAsync(cancellationToken).ConfigureAwait(false)).Count;

    public Task<RatingLogStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rating_count, value_sum, last_seq, user_count, item_count FROM log_stats WHERE id = 1;";
        using var reader = command.ExecuteReader();
        if (!reader.Read()) throw new InvalidOperationException("The rating log's stats row is missing.");
        var count = reader.GetInt64(0);
        var mean = count == 0 ? 0.0 : reader.GetDouble(1) / count;
        return Task.FromResult(new RatingLogStats(count, reader.GetInt64(3), reader.GetInt64(4), mean, reader.GetInt64(2)));
    }

    private async IAsyncEnumerable<LoggedRating> QueryAsync(string sql, Action<SqliteCommand> bind,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield(); // SQLite calls are synchronous; don't run the first page on the caller's stack.
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new LoggedRating(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                (float)reader.GetDouble(3), reader.GetInt64(4));
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        _database.ReleasePooledConnections();
    }
}
