using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OnlineRec.Storage.Sqlite;

/// <summary>
/// The one place that opens a SQLite connection to an OnlineRec database file with the right pragmas.
/// WAL lets any number of readers run beside the single writer; <c>synchronous</c> is chosen per file
/// (see <see cref="SqliteDurability"/>); a generous page cache and memory map keep the random-key indexes warm.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly string _pragmas;

    public SqliteDatabase(string path, SqliteDurability durability, TimeSpan busyTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        Durability = durability;
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout; keep both limits equal.
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();

        var synchronous = durability == SqliteDurability.Full ? "FULL" : "NORMAL";
        var busyMs = ((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _pragmas =
            $"PRAGMA busy_timeout = {busyMs}; " +
            $"PRAGMA synchronous = {synchronous}; " +
            "PRAGMA temp_store = MEMORY; " +
            "PRAGMA cache_size = -65536; " +   // 64 MiB page cache per connection
            "PRAGMA mmap_size = 268435456;";   // 256 MiB read-only memory map: reads skip the page-cache copy

        // journal_mode is persistent in the file, so one switch at open is enough; it must happen before any
        // other connection starts a transaction.
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite refused WAL mode for '{Path}' (got '{mode}').");
    }

    public string Path { get; }
    public SqliteDurability Durability { get; }

    /// <summary>Opens a (pooled) connection and applies the pragmas. The caller disposes it.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs DDL/statements in one immediate transaction (used for idempotent schema creation at open).</summary>
    public void ExecuteInTransaction(Action<SqliteConnection> work)
    {
        using var connection = OpenConnection();
        using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }
        try
        {
            work(connection);
            using var commit = connection.CreateCommand();
            commit.CommandText = "COMMIT;";
            commit.ExecuteNonQuery();
        }
        catch
        {
            using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            try { rollback.ExecuteNonQuery(); } catch (SqliteException) { /* already rolled back by SQLite */ }
            throw;
        }
    }

    /// <summary>Closes pooled connections so the files can be moved or deleted (tests, shutdown).</summary>
    public void ReleasePooledConnections()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
