using Npgsql;

namespace OnlineRec.Cluster.Tests;

/// <summary>A database of its own for one test run on the server from ONLINEREC_TEST_POSTGRES; dropped on dispose.</summary>
public sealed class ThrowawayDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private ThrowawayDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The server's connection string pointing at this database (default search path: Orleans in public).</summary>
    public string ConnectionString { get; }

    public static async Task<ThrowawayDatabase> CreateAsync(string serverConnectionString, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new ThrowawayDatabase(serverConnectionString, name);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        // FORCE: a killed silo's server-side sessions may linger until the server notices the dead sockets.
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
