using Microsoft.Data.Sqlite;
using OnlineRec.Storage.Models;

namespace OnlineRec.Storage.Sqlite.Models;

/// <summary>
/// <see cref="IModelStore"/> in its own SQLite file: each version is one row holding the
/// <see cref="MfModelCodec"/> bytes, so saving a version is a single atomic transaction and the rating log's writer
/// never waits behind a multi-megabyte blob.
/// </summary>
public sealed class SqliteModelStore : IModelStore
{
    private const string Component = "model_store";
    private const int SchemaVersion = 1;
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS model_versions (
            version           INTEGER PRIMARY KEY,
            created_at        INTEGER NOT NULL,
            trained_up_to_seq INTEGER NOT NULL,
            metadata_json     TEXT    NOT NULL,
            factors           INTEGER NOT NULL,
            user_count        INTEGER NOT NULL,
            item_count        INTEGER NOT NULL,
            codec_version     INTEGER NOT NULL,
            payload           BLOB    NOT NULL
        );
        """;

    private const string InfoColumns =
        "version, created_at, trained_up_to_seq, metadata_json, factors, user_count, item_count, length(payload)";

    private readonly SqliteDatabase _database;
    private readonly int _versionsToKeep;
    private readonly SemaphoreSlim _saveGate = new(1, 1);

    public SqliteModelStore(SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _versionsToKeep = options.ModelVersionsToKeep;
        _database = new SqliteDatabase(options.ModelStorePath, options.ModelStoreDurability, options.BusyTimeout);
        SqliteSchema.Ensure(_database, Component, SchemaVersion, Ddl);
    }

    public async Task SaveAsync(ModelSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Model.IsFinite()) throw new ArgumentException("Refusing to store a model holding NaN or ∞.", nameof(snapshot));
        var payload = MfModelCodec.Encode(snapshot.Model);
        await _saveGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // SQLite blocks; keep it off the caller's (possibly grain) thread.
            await Task.Run(() => _database.ExecuteInTransaction(connection => Insert(connection, snapshot, payload)), cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _saveGate.Release();
        }
    }

    private void Insert(SqliteConnection connection, ModelSnapshot snapshot, byte[] payload)
    {
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO model_versions (version, created_at, trained_up_to_seq, metadata_json, factors,
                                            user_count, item_count, codec_version, payload)
                VALUES ($v, $c, $s, $m, $k, $u, $i, $codec, $p);
                """;
            insert.Parameters.AddWithValue("$v", snapshot.Version);
            insert.Parameters.AddWithValue("$c", snapshot.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$s", snapshot.TrainedUpToSequence);
            insert.Parameters.AddWithValue("$m", snapshot.MetadataJson ?? "{}");
            insert.Parameters.AddWithValue("$k", snapshot.Model.Factors);
            insert.Parameters.AddWithValue("$u", snapshot.Model.UserCount);
            insert.Parameters.AddWithValue("$i", snapshot.Model.ItemCount);
            insert.Parameters.AddWithValue("$codec", (int)MfModelCodec.FormatVersion);
            insert.Parameters.AddWithValue("$p", payload);
            try { insert.ExecuteNonQuery(); }
            catch (SqliteException error) when (error.SqliteErrorCode == 19) // SQLITE_CONSTRAINT
            {
                throw new InvalidOperationException($"Model version {snapshot.Version} is already stored.", error);
            }
        }
        using var prune = connection.CreateCommand();
        prune.CommandText = """
            DELETE FROM model_versions
            WHERE version NOT IN (SELECT version FROM model_versions ORDER BY version DESC LIMIT $keep);
            """;
        prune.Parameters.AddWithValue("$keep", _versionsToKeep);
        prune.ExecuteNonQuery();
    }

    public Task<ModelSnapshot?> LoadLatestAsync(CancellationToken cancellationToken = default) =>
        LoadWhereAsync("ORDER BY version DESC LIMIT 1", null, cancellationToken);

    public Task<ModelSnapshot?> LoadAsync(long version, CancellationToken cancellationToken = default) =>
        LoadWhereAsync("WHERE version = $v", version, cancellationToken);

    private Task<ModelSnapshot?> LoadWhereAsync(string clause, long? version, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = _database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {InfoColumns}, payload FROM model_versions {clause};";
            if (version is not null) command.Parameters.AddWithValue("$v", version.Value);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return null;
            var info = ReadInfo(reader);
            var payload = (byte[])reader.GetValue(8);
            return new ModelSnapshot(info.Version, info.CreatedAt, info.TrainedUpToSequence, info.MetadataJson,
                MfModelCodec.Decode(payload));
        }, cancellationToken);

    public Task<IReadOnlyList<ModelSnapshotInfo>> GetVersionsAsync(CancellationToken cancellationToken = default) =>
        Task.Run<IReadOnlyList<ModelSnapshotInfo>>(() =>
        {
            using var connection = _database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {InfoColumns} FROM model_versions ORDER BY version DESC;";
            using var reader = command.ExecuteReader();
            var versions = new List<ModelSnapshotInfo>();
            while (reader.Read()) versions.Add(ReadInfo(reader));
            return versions;
        }, cancellationToken);

    private static ModelSnapshotInfo ReadInfo(SqliteDataReader reader) => new(
        reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetInt64(2),
        reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt64(7));

    public ValueTask DisposeAsync()
    {
        _database.ReleasePooledConnections();
        _saveGate.Dispose();
        return ValueTask.CompletedTask;
    }
}
