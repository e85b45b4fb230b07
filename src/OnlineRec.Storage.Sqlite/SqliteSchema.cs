using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OnlineRec.Storage.Sqlite;

/// <summary>
/// Idempotent schema creation with a version record per component, so a later release can migrate forward and an
/// old binary refuses a database written by a newer one instead of corrupting it.
/// </summary>
internal static class SqliteSchema
{
    public static void Ensure(SqliteDatabase database, string component, int version, string ddl)
    {
        database.ExecuteInTransaction(connection =>
        {
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    component  TEXT    NOT NULL PRIMARY KEY,
                    version    INTEGER NOT NULL,
                    applied_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """);
            using (var select = connection.CreateCommand())
            {
                select.CommandText = "SELECT version FROM schema_version WHERE component = $c;";
                select.Parameters.AddWithValue("$c", component);
                if (select.ExecuteScalar() is long existing && existing > version)
                    throw new InvalidOperationException(
                        $"Database '{database.Path}' holds {component} schema v{existing}; this build understands up to v{version}.");
            }
            Execute(connection, ddl);
            using var upsert = connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO schema_version (component, version, applied_at) VALUES ($c, $v, $t)
                ON CONFLICT (component) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at
                WHERE schema_version.version < excluded.version;
                """;
            upsert.Parameters.AddWithValue("$c", component);
            upsert.Parameters.AddWithValue("$v", version);
            upsert.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            upsert.ExecuteNonQuery();
        });
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
