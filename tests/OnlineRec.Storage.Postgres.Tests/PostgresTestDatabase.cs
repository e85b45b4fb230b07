using Npgsql;
using OnlineRec.Storage.Postgres.Schema;

namespace OnlineRec.Storage.Postgres.Tests;

/// <summary>
/// The test server from <c>ONLINEREC_TEST_POSTGRES</c> (a connection string; see .ci/postgres-setup.sh). Each test
/// gets its own pair of schemas (ours and Orleans'), migrated, and dropped afterwards, so tests run in parallel
/// without seeing each other.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "ONLINEREC_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs ? cs : null;

    private PostgresTestDatabase(PostgresStorageOptions options) => Options = options;

    /// <summary>Options pointing at this test's schemas.</summary>
    public PostgresStorageOptions Options { get; }

    /// <summary>A connection string whose search path finds the Orleans tables (Orleans' queries are unqualified).</summary>
    public string OrleansConnectionString =>
        new NpgsqlConnectionStringBuilder(Options.ConnectionString) { SearchPath = Options.OrleansSchema }.ConnectionString;

    public PostgresStorageOptions With(Action<PostgresStorageOptions> configure)
    {
        var options = Options.Clone();
        configure(options);
        return options;
    }

    /// <summary>Fresh schemas; migrated unless <paramref name="migrate"/> is false.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(bool migrate = true)
    {
        var connectionString = ConnectionString ?? throw new InvalidOperationException($"{EnvironmentVariable} is not set.");
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var database = new PostgresTestDatabase(new PostgresStorageOptions
        {
            ConnectionString = connectionString,
            Schema = $"t_{suffix}",
            OrleansSchema = $"t_{suffix}_orleans",
        });
        if (migrate) await PostgresSchema.MigrateAsync(database.Options);
        return database;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {Options.Schema} CASCADE; DROP SCHEMA IF EXISTS {Options.OrleansSchema} CASCADE;");
    }
}

/// <summary>A fact that runs only when <c>ONLINEREC_TEST_POSTGRES</c> names a server; otherwise it is reported as skipped.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.ConnectionString is null)
            Skip = $"Set {PostgresTestDatabase.EnvironmentVariable} to a PostgreSQL connection string (see .ci/postgres-setup.sh) to run this test.";
    }
}
