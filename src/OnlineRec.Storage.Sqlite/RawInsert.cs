using System.Text;
using SQLitePCL;

namespace OnlineRec.Storage.Sqlite;

/// <summary>
/// One prepared statement driven through SQLite's C API with positional binds, for the few statements run once per
/// rating. Microsoft.Data.Sqlite re-resolves every named parameter and re-walks the command's statement list on each
/// execution, so binding cost more than SQLite's own insert work (docs/decisions/0019-sqlite-raw-insert.md).
/// Not thread-safe: it belongs to the single writer's connection, like everything in <see cref="SqliteWriteSession"/>.
/// </summary>
public sealed class RawInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[256];

    internal RawInsert(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement), "prepare");
    }

    /// <summary>Binds parameter <paramref name="index"/> (1-based, in SQL order).</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value), "bind");

    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value), "bind");

    /// <summary>Binds text as UTF-8 through a reused buffer (SQLite copies it: SQLITE_TRANSIENT).</summary>
    public void Bind(int index, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _utf8.Length) _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)), "bind");
    }

    /// <summary>Runs the statement to completion and resets it for the next row.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) Check(rc, "step");
    }

    public void Dispose() => raw.sqlite3_finalize(_statement);

    private void Check(int rc, string what)
    {
        if (rc is raw.SQLITE_OK or raw.SQLITE_DONE) return;
        throw new Microsoft.Data.Sqlite.SqliteException($"SQLite {what} failed ({rc}): {raw.sqlite3_errmsg(_db).utf8_to_string()}", rc);
    }
}
