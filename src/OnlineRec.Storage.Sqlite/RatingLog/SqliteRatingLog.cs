using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Sqlite.RatingLog;

/// <summary>
/// <see cref="IRatingLog"/> on an embedded SQLite file (WAL). Appends go through a group-commit writer
/// (<see cref="SqliteWriteQueue"/>): concurrent batches share one transaction and one fsync, and each caller is
/// answered only after that commit. An append writes only the <c>ratings</c> table; the user/item indexes are
/// brought up to date in the background in sorted chunks, and per-user/per-item reads cover the not-yet-indexed
/// tail from an in-memory mirror (<see cref="UnindexedTail"/>). Reads use their own pooled connections and never
/// block the writer. One instance per file: a lock file next to the database enforces it across processes.
/// </summary>
public sealed class SqliteRatingLog : IRatingLog
{
    private readonly SqliteStorageOptions _options;
    private readonly SqliteDatabase _database;
    private readonly FileStream _instanceLock;
    private readonly SqliteWriteQueue _writer;
    private readonly TimeProvider _time;
    private readonly UnindexedTail _tail;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _indexer;
    private long _nextPruneAtMs;

    public SqliteRatingLog(SqliteStorageOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _database = new SqliteDatabase(options.RatingLogPath, options.RatingLogDurability, options.BusyTimeout);
        _instanceLock = AcquireInstanceLock(_database.Path);
        try
        {
            SqliteSchema.Ensure(_database, SqliteRatingLogSchema.Component, SqliteRatingLogSchema.Version, SqliteRatingLogSchema.Ddl);
            _writer = new SqliteWriteQueue(_database, options.MaxRatingsPerTransaction, name: "rating-log-writer");
            // Whatever a previous process appended but never indexed is indexed now, so the mirror starts empty.
            var floor = IndexChunkAsync(int.MaxValue, tail: null).GetAwaiter().GetResult();
            _tail = new UnindexedTail(floor);
        }
        catch
        {
            _instanceLock.Dispose();
            throw;
        }
        _nextPruneAtMs = NowMs();
        _indexer = Task.Run(IndexInBackgroundAsync);
    }

    public string DatabasePath => _database.Path;

    public Task<AppendResult> AppendAsync(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        RatingRules.ThrowIfInvalid(ratings, idempotencyKey, _options.MaxBatchSize);
        cancellationToken.ThrowIfCancellationRequested();
        var now = NowMs();
        if (idempotencyKey is not null) SchedulePruneIfDue(now);
        return _writer.EnqueueAsync(new AppendOperation(ratings, idempotencyKey, now, _tail, cancellationToken));
    }

    /// <summary>Indexes every rating committed so far (stats and tests want exact distinct counts).</summary>
    public async Task FlushIndexesAsync(CancellationToken cancellationToken = default)
    {
        while (_tail.Count > 0)
            await IndexChunkAsync(_options.IndexChunkRows, _tail, cancellationToken).ConfigureAwait(false);
    }

    private Task<long> IndexChunkAsync(int maxRows, UnindexedTail? tail, CancellationToken cancellationToken = default) =>
        _writer.EnqueueAsync(new IndexOperation(maxRows, tail, NowMs, cancellationToken));

    // Index when a chunk's worth is waiting (amortises page writes) or when the oldest waiting rating is old enough
    // (bounds how much the mirror holds when traffic is light).
    private async Task IndexInBackgroundAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var waiting = _tail.Count;
                if (waiting == 0) continue;
                var age = NowMs() - _tail.OldestAddedAtMs;
                if (waiting < _options.IndexChunkRows && age < _options.IndexMaxDelay.TotalMilliseconds) continue;
                try { await IndexChunkAsync(_options.IndexChunkRows, _tail, _stopping.Token).ConfigureAwait(false); }
                catch (Exception error) when (error is not OperationCanceledException and not ObjectDisposedException)
                {
                    // Reads stay correct (the mirror keeps the rows); try again on a later tick.
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    private static FileStream AcquireInstanceLock(string databasePath)
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix; the OS drops it if the process dies.
            return new FileStream(databasePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException error)
        {
            throw new InvalidOperationException(
                $"The rating log '{databasePath}' is already open in another SqliteRatingLog (this or another process).", error);
        }
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

    /// <summary>
    /// A scan of the range filtered in process: the embedded log serves one silo, so there is no network to spare.
    /// Partition: FNV-1a of the id (<see cref="StableShard"/>) modulo the shard count.
    /// </summary>
    public async IAsyncEnumerable<LoggedRating> ReadShardAsync(RatingShard shard, long upToSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        shard.Validate();
        await foreach (var rating in ReadRangeAsync(0, upToSequence, cancellationToken).ConfigureAwait(false))
            if (StableShard(shard.IdOf(rating), shard.Count) == shard.Index) yield return rating;
    }

    /// <summary>FNV-1a over UTF-16 code units modulo <paramref name="count"/>: stable across processes and runs.</summary>
    internal static int StableShard(string id, int count)
    {
        var hash = 2166136261u;
        foreach (var c in id) hash = (hash ^ c) * 16777619u;
        return (int)(hash % (uint)count);
    }

    public IAsyncEnumerable<LoggedRating> ReadUserAsync(string user, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return ReadByKeyAsync(_tail.SnapshotUser(user, afterSequence), user, afterSequence, """
            SELECT r.seq, r.user_id, r.item_id, r.value, r.ts
            FROM ratings_by_user k JOIN ratings r ON r.seq = k.seq
            WHERE k.user_id = $id AND k.seq > $after AND k.seq <= $floor ORDER BY k.seq;
            """, cancellationToken);
    }

    public IAsyncEnumerable<LoggedRating> ReadItemAsync(string item, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ReadByKeyAsync(_tail.SnapshotItem(item, afterSequence), item, afterSequence, """
            SELECT r.seq, r.user_id, r.item_id, r.value, r.ts
            FROM ratings_by_item k JOIN ratings r ON r.seq = k.seq
            WHERE k.item_id = $id AND k.seq > $after AND k.seq <= $floor ORDER BY k.seq;
            """, cancellationToken);
    }

    // The mirror snapshot is taken first: its floor only grows, and rows leave the mirror only after the index that
    // covers them committed, so index rows ≤ floor followed by mirror rows > floor miss nothing and repeat nothing.
    private async IAsyncEnumerable<LoggedRating> ReadByKeyAsync((long Floor, LoggedRating[] Ratings) recent, string id,
        long afterSequence, string indexedSql, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (afterSequence < recent.Floor)
        {
            await foreach (var rating in QueryAsync(indexedSql, command =>
                {
                    command.Parameters.AddWithValue("$id", id);
                    command.Parameters.AddWithValue("$after", afterSequence);
                    command.Parameters.AddWithValue("$floor", recent.Floor);
                }, cancellationToken).ConfigureAwait(false))
                yield return rating;
        }
        foreach (var rating in recent.Ratings) yield return rating;
    }

    public Task<long> GetLastSequenceAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ReadStats().LastSequence);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ReadStats().Count);
    }

    public async Task<RatingLogStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        // Distinct counts are kept by the indexer; index the tail first so they are exact.
        await FlushIndexesAsync(cancellationToken).ConfigureAwait(false);
        return ReadStats();
    }

    private RatingLogStats ReadStats()
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rating_count, value_sum, last_seq, user_count, item_count FROM log_stats WHERE id = 1;";
        using var reader = command.ExecuteReader();
        if (!reader.Read()) throw new InvalidOperationException("The rating log's stats row is missing.");
        var count = reader.GetInt64(0);
        var mean = count == 0 ? 0.0 : reader.GetDouble(1) / count;
        return new RatingLogStats(count, reader.GetInt64(3), reader.GetInt64(4), mean, reader.GetInt64(2));
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
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        await _indexer.ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        _database.ReleasePooledConnections();
        _instanceLock.Dispose();
        _stopping.Dispose();
    }
}
