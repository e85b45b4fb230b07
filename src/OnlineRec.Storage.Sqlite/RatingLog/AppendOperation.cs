using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Sqlite.RatingLog;

/// <summary>One caller's batch inside a group-commit transaction of the SQLite rating log.</summary>
internal sealed class AppendOperation(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey, long recordedAtMs,
    UnindexedTail tail, CancellationToken cancellationToken)
    : WriteOperation<AppendResult>(ratings.Count, cancellationToken)
{
    private static readonly SqliteStatement FindKey = new(
        "SELECT first_seq, last_seq FROM idempotency_keys WHERE batch_key = $key;", "$key");
    private static readonly SqliteStatement LastSequence = new(
        "SELECT last_seq FROM log_stats WHERE id = 1;");
    private static readonly SqliteStatement InsertRating = new(
        "INSERT INTO ratings (seq, user_id, item_id, value, ts) VALUES ($seq, $user, $item, $value, $ts);",
        "$seq", "$user", "$item", "$value", "$ts");
    private static readonly SqliteStatement UpdateStats = new(
        "UPDATE log_stats SET rating_count = rating_count + $n, value_sum = value_sum + $sum, last_seq = $last WHERE id = 1;",
        "$n", "$sum", "$last");
    private static readonly SqliteStatement InsertKey = new(
        "INSERT INTO idempotency_keys (batch_key, first_seq, last_seq, created_at) VALUES ($key, $first, $last, $at);",
        "$key", "$first", "$last", "$at");

    protected override AppendResult Run(SqliteWriteSession session)
    {
        if (idempotencyKey is not null && TryFindPrevious(session, out var previous)) return previous;

        var first = (long)session.Command(LastSequence).ExecuteScalar()! + 1;
        var insert = session.Raw(InsertRating);
        double sum = 0;
        for (var i = 0; i < ratings.Count; i++)
        {
            var rating = ratings[i];
            insert.Bind(1, first + i);
            insert.Bind(2, rating.User);
            insert.Bind(3, rating.Item);
            insert.Bind(4, (double)rating.Value);
            insert.Bind(5, rating.Timestamp);
            insert.Execute();
            sum += rating.Value;
        }
        var last = first + ratings.Count - 1;

        var stats = session.Command(UpdateStats);
        stats.Parameters[0].Value = (long)ratings.Count;
        stats.Parameters[1].Value = sum;
        stats.Parameters[2].Value = last;
        stats.ExecuteNonQuery();

        if (idempotencyKey is not null)
        {
            var key = session.Command(InsertKey);
            key.Parameters[0].Value = idempotencyKey;
            key.Parameters[1].Value = first;
            key.Parameters[2].Value = last;
            key.Parameters[3].Value = recordedAtMs;
            key.ExecuteNonQuery();
        }
        return new AppendResult(first, last, WasDuplicate: false);
    }

    internal override void OnCommitted()
    {
        var result = Result;
        if (result.WasDuplicate) return;
        var logged = new LoggedRating[ratings.Count];
        for (var i = 0; i < logged.Length; i++)
        {
            var r = ratings[i];
            logged[i] = new LoggedRating(result.FirstSequence + i, r.User, r.Item, r.Value, r.Timestamp);
        }
        tail.Add(logged, recordedAtMs);
    }

    private bool TryFindPrevious(SqliteWriteSession session, out AppendResult previous)
    {
        var find = session.Command(FindKey);
        find.Parameters[0].Value = idempotencyKey;
        using var reader = find.ExecuteReader();
        if (!reader.Read())
        {
            previous = default;
            return false;
        }
        previous = new AppendResult(reader.GetInt64(0), reader.GetInt64(1), WasDuplicate: true);
        if (previous.Count != ratings.Count)
            throw new IdempotencyKeyConflictException(idempotencyKey!, previous.Count, ratings.Count);
        return true;
    }
}

/// <summary>Deletes idempotency keys recorded before a cut-off.</summary>
internal sealed class PruneKeysOperation(long olderThanMs, CancellationToken cancellationToken)
    : WriteOperation<int>(0, cancellationToken)
{
    private static readonly SqliteStatement Delete = new(
        "DELETE FROM idempotency_keys WHERE created_at < $cutoff;", "$cutoff");

    protected override int Run(SqliteWriteSession session)
    {
        var delete = session.Command(Delete);
        delete.Parameters[0].Value = olderThanMs;
        return delete.ExecuteNonQuery();
    }
}
