using Npgsql;

namespace OnlineRec.Storage.Postgres.Schema;

/// <summary>
/// Creates or updates everything OnlineRec needs in a PostgreSQL database: our tables (rating log, model store) in
/// <see cref="PostgresStorageOptions.Schema"/> and the Orleans ADO.NET tables and stored queries (clustering,
/// grain persistence, reminders) in <see cref="PostgresStorageOptions.OrleansSchema"/>.
/// <para>
/// Safe to run at every start of every silo, concurrently: the whole migration is one transaction under a
/// transaction-level advisory lock, every script is idempotent (IF NOT EXISTS, CREATE OR REPLACE, upserts), and a
/// script whose checksum is already recorded in <c>schema_history</c> is skipped, so a routine restart takes no DDL
/// locks on tables other silos are writing.
/// </para>
/// </summary>
public static class PostgresSchema
{
    /// <summary>The ADO.NET invariant to give Orleans' AdoNet clustering, persistence and reminder options.</summary>
    public const string OrleansInvariant = "Npgsql";

    /// <summary>PostgreSQL 15 (server_version_num): the grain-state table uses a NULLS NOT DISTINCT unique index.</summary>
    public const int MinimumServerVersionNum = 150000;

    // Arbitrary but fixed: every OnlineRec migrator, whatever the schema names, serialises on it.
    private const long MigrationLockKey = 0x4F_52_5F_4D_49_47_52_41; // "OR_MIGRA"

    /// <summary>Migrates with default schemas (<c>onlinerec</c> and <c>public</c>).</summary>
    public static Task<IReadOnlyList<string>> MigrateAsync(string connectionString, CancellationToken cancellationToken = default) =>
        MigrateAsync(new PostgresStorageOptions { ConnectionString = connectionString }, cancellationToken: cancellationToken);

    /// <summary>Applies what is missing; returns the scripts that ran (empty when everything was up to date).</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(PostgresStorageOptions options, bool includeOrleans = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { CommandTimeout = 300 };
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "OnlineRec migrator";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (connection.PostgreSqlVersion.Major * 10000 < MinimumServerVersionNum)
            throw new NotSupportedException($"OnlineRec needs PostgreSQL 15 or later; the server is {connection.PostgreSqlVersion}.");

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey});", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {options.Schema};
            CREATE SCHEMA IF NOT EXISTS {options.OrleansSchema};
            CREATE TABLE IF NOT EXISTS {options.Schema}.schema_history (
                script     text        NOT NULL PRIMARY KEY,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken).ConfigureAwait(false);
        var history = await ReadHistoryAsync(connection, options.Schema, cancellationToken).ConfigureAwait(false);

        var applied = new List<string>();
        var plan = SqlScript.Load("onlinerec").Select(s => (Script: s, Key: s.Name, SearchPath: options.Schema));
        if (includeOrleans)
            // Recorded per Orleans schema: the same database may hold several OnlineRec schemas sharing one Orleans schema.
            plan = plan.Concat(SqlScript.Load("orleans").Select(s => (Script: s, Key: $"{s.Name}@{options.OrleansSchema}", SearchPath: options.OrleansSchema)));
        foreach (var (script, key, searchPath) in plan)
        {
            if (history.TryGetValue(key, out var checksum) && checksum == script.Checksum) continue;
            await ExecuteAsync(connection, $"SET LOCAL search_path = {searchPath};", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, script.Text, cancellationToken).ConfigureAwait(false);
            await RecordAsync(connection, options.Schema, key, script.Checksum, cancellationToken).ConfigureAwait(false);
            applied.Add(key);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }

    private static async Task<Dictionary<string, string>> ReadHistoryAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var history = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand($"SELECT script, checksum FROM {schema}.schema_history;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) history[reader.GetString(0)] = reader.GetString(1);
        return history;
    }

    private static async Task RecordAsync(NpgsqlConnection connection, string schema, string key, string checksum, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {schema}.schema_history (script, checksum) VALUES ($1, $2)
            ON CONFLICT (script) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now();
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = checksum });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
