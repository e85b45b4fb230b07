using Microsoft.Data.Sqlite;
using OnlineRec.Storage.Sqlite;

namespace OnlineRec.Storage.Models;

/// <summary>Model versions as rows of one table in their own SQLite file (large blobs stay out of the log's file).</summary>
public sealed class SqliteModelStore : IModelStore
{
    private readonly SqliteDatabase _database;

    public SqliteModelStore(SqliteStorageOptions options)
    {
        options.Validate();
        _database = new SqliteDatabase(Path.Combine(options.DataDirectory, options.ModelStoreFileName), options.ModelStoreDurability, options.BusyTimeout);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS model_versions (
                version INTEGER PRIMARY KEY,
                created_at TEXT NOT NULL,
                snapshot_sequence INTEGER NOT NULL,
                algorithm TEXT NOT NULL,
                model BLOB NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    public async Task SaveAsync(ModelSnapshot snapshot, int keepVersions, CancellationToken cancellationToken = default)
    {
        var blob = MfModelCodec.Encode(snapshot.Model);
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO model_versions (version, created_at, snapshot_sequence, algorithm, model) VALUES ($v, $c, $s, $a, $m)";
            insert.Parameters.AddWithValue("$v", snapshot.Version);
            insert.Parameters.AddWithValue("$c", snapshot.CreatedAt.ToString("O"));
            insert.Parameters.AddWithValue("$s", snapshot.SnapshotSequence);
            insert.Parameters.AddWithValue("$a", snapshot.Algorithm);
            insert.Parameters.AddWithValue("$m", blob);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var prune = connection.CreateCommand())
        {
            prune.Transaction = transaction;
            prune.CommandText = "DELETE FROM model_versions WHERE version <= $v - $keep";
            prune.Parameters.AddWithValue("$v", snapshot.Version);
            prune.Parameters.AddWithValue("$keep", Math.Max(1, keepVersions));
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int?> GetLatestVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM model_versions";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<ModelSnapshot?> LoadAsync(int version, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT created_at, snapshot_sequence, algorithm, model FROM model_versions WHERE version = $v";
        command.Parameters.AddWithValue("$v", version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var model = MfModelCodec.Decode((byte[])reader.GetValue(3));
        return new ModelSnapshot(version, DateTimeOffset.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture),
            reader.GetInt64(1), reader.GetString(2), model);
    }
}
