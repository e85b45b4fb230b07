using OnlineRec.Storage.RatingLog;


namespace OnlineRec.Storage.Sqlite.RatingLog;

/// <summary>
/// Moves up to <c>maxRows</c> ratings from the unindexed tail into the user/item indexes and the distinct-id tables,
/// in one transaction of set-based, key-sorted inserts (each index leaf page is dirtied once per chunk, not once per
/// rating). Returns the new indexed sequence.
/// </summary>
internal sealed class IndexOperation(int maxRows, UnindexedTail? tail, Func<long> nowMs, CancellationToken cancellationToken)
    : WriteOperation<long>(maxRows, cancellationToken)
{
    private static readonly SqliteStatement Progress = new("SELECT indexed_seq, last_seq FROM log_stats WHERE id = 1;");
    private static readonly SqliteStatement ByUser = new("""
        INSERT OR IGNORE INTO ratings_by_user (user_id, seq)
        SELECT user_id, seq FROM ratings WHERE seq > $from AND seq <= $to ORDER BY user_id, seq;
        """, "$from", "$to");
    private static readonly SqliteStatement ByItem = new("""
        INSERT OR IGNORE INTO ratings_by_item (item_id, seq)
        SELECT item_id, seq FROM ratings WHERE seq > $from AND seq <= $to ORDER BY item_id, seq;
        """, "$from", "$to");
    private static readonly SqliteStatement Users = new("""
        INSERT OR IGNORE INTO log_users (user_id)
        SELECT DISTINCT user_id FROM ratings WHERE seq > $from AND seq <= $to ORDER BY user_id;
        """, "$from", "$to");
    private static readonly SqliteStatement Items = new("""
        INSERT OR IGNORE INTO log_items (item_id)
        SELECT DISTINCT item_id FROM ratings WHERE seq > $from AND seq <= $to ORDER BY item_id;
        """, "$from", "$to");
    private static readonly SqliteStatement Advance = new("""
        UPDATE log_stats SET indexed_seq = $to, user_count = user_count + $users, item_count = item_count + $items
        WHERE id = 1;
        """, "$to", "$users", "$items");

    protected override long Run(SqliteWriteSession session)
    {
        long from, last;
        using (var reader = session.Command(Progress).ExecuteReader())
        {
            reader.Read();
            from = reader.GetInt64(0);
            last = reader.GetInt64(1);
        }
        if (from >= last) return from;
        var to = Math.Min(last, from + Math.Max(Weight, 1));

        Bind(session, ByUser, from, to).ExecuteNonQuery();
        Bind(session, ByItem, from, to).ExecuteNonQuery();
        long newUsers = Bind(session, Users, from, to).ExecuteNonQuery();
        long newItems = Bind(session, Items, from, to).ExecuteNonQuery();

        var advance = session.Command(Advance);
        advance.Parameters[0].Value = to;
        advance.Parameters[1].Value = newUsers;
        advance.Parameters[2].Value = newItems;
        advance.ExecuteNonQuery();
        return to;
    }

    internal override void OnCommitted() => tail?.AdvanceFloor(Result, nowMs());

    private static Microsoft.Data.Sqlite.SqliteCommand Bind(SqliteWriteSession session, SqliteStatement statement, long from, long to)
    {
        var command = session.Command(statement);
        command.Parameters[0].Value = from;
        command.Parameters[1].Value = to;
        return command;
    }
}
