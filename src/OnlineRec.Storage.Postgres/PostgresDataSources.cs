using Npgsql;

namespace OnlineRec.Storage.Postgres;

/// <summary>Connection pools for our tables: the search path is our schema, so our SQL never names it.</summary>
internal static class PostgresDataSources
{
    public static NpgsqlDataSource Create(PostgresStorageOptions options, string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            SearchPath = options.Schema,
        };
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = applicationName;
        PostgresConnections.CapPool(builder, options);
        // Prepared statements for the handful of statements we run over and over (unless the caller chose otherwise).
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32;
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }
}
