using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Sqlite.RatingLog;

/// <summary>
/// Tables of the SQLite rating log.
/// <list type="bullet">
/// <item><c>ratings</c>: <c>seq</c> is the rowid, so an append writes only the right edge of the table B-tree and a
/// range read is an ordered walk of it. No secondary index is maintained on append (see <see cref="UnindexedTail"/>).</item>
/// <item><c>ratings_by_user</c>/<c>ratings_by_item</c>: (id, seq) keys filled by the background indexer in sorted
/// chunks; <c>id = ? AND seq &gt; ?</c> is one range scan already in sequence order.</item>
/// <item><c>log_users</c>/<c>log_items</c>: the distinct ids, filled by the indexer, which bumps the counters.</item>
/// <item><c>log_stats</c>: one row of running totals updated in the same transactions, so stats never scan.
/// <c>last_seq</c> lives here (not max(seq)) so sequence numbers are never reused even if old ratings are pruned;
/// <c>indexed_seq</c> is how far the secondary indexes reach.</item>
/// <item><c>idempotency_keys</c>: client batch id → the sequences it got, with the time it was recorded for pruning.</item>
/// </list>
/// </summary>
internal static class SqliteRatingLogSchema
{
    public const string Component = "rating_log";
    public const int Version = 1;

    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS ratings (
            seq     INTEGER PRIMARY KEY,
            user_id TEXT    NOT NULL,
            item_id TEXT    NOT NULL,
            value   REAL    NOT NULL,
            ts      INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ratings_by_user (
            user_id TEXT    NOT NULL,
            seq     INTEGER NOT NULL,
            PRIMARY KEY (user_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS ratings_by_item (
            item_id TEXT    NOT NULL,
            seq     INTEGER NOT NULL,
            PRIMARY KEY (item_id, seq)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS log_users (user_id TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS log_items (item_id TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS log_stats (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            rating_count INTEGER NOT NULL,
            value_sum    REAL    NOT NULL,
            last_seq     INTEGER NOT NULL,
            user_count   INTEGER NOT NULL,
            item_count   INTEGER NOT NULL,
            indexed_seq  INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO log_stats (id, rating_count, value_sum, last_seq, user_count, item_count, indexed_seq)
        VALUES (1, 0, 0.0, 0, 0, 0, 0);

        CREATE TABLE IF NOT EXISTS idempotency_keys (
            batch_key  TEXT    NOT NULL PRIMARY KEY,
            first_seq  INTEGER NOT NULL,
            last_seq   INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_idempotency_keys_created ON idempotency_keys (created_at);
        """;
}
