using Npgsql;

namespace OnlineRec.Storage.Postgres;

/// <summary>Connection strings derived from <see cref="PostgresStorageOptions"/> for the other users of the database.</summary>
public static class PostgresConnections
{
    /// <summary>
    /// For Orleans' ADO.NET providers (clustering, grain storage, reminders): their queries are unqualified, so the
    /// search path must find <see cref="PostgresStorageOptions.OrleansSchema"/>.
    /// </summary>
    public static string ForOrleans(PostgresStorageOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { SearchPath = options.OrleansSchema };
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "OnlineRec Orleans";
        CapPool(builder, options);
        return builder.ConnectionString;
    }

    /// <summary>
    /// Npgsql's default pool (100) per silo and per pool would let a burst of grain activations (each reading its
    /// ratings) open more connections than the server allows (max_connections is 100 by default) and time out.
    /// A small pool makes the burst queue for a connection instead. An explicit Maximum Pool Size wins.
    /// </summary>
    internal static void CapPool(NpgsqlConnectionStringBuilder builder, PostgresStorageOptions options)
    {
        // NpgsqlConnectionStringBuilder reports every known keyword as present; the plain builder sees only what was written.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
        if (!written.ContainsKey("Maximum Pool Size") && !written.ContainsKey("MaxPoolSize"))
            builder.MaxPoolSize = options.MaxPoolSize;
    }
}
