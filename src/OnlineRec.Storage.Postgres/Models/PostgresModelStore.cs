using System.Data;
using Npgsql;
using NpgsqlTypes;
using OnlineRec.Storage.Models;

namespace OnlineRec.Storage.Postgres.Models;

/// <summary>
/// <see cref="IModelStore"/> on PostgreSQL: each version is one row holding the <see cref="MfModelCodec"/> bytes,
/// so a save is one atomic transaction and every silo sees the new version on its next poll. The version number is
/// the primary key: two savers of the same version cannot both succeed.
/// </summary>
public sealed class PostgresModelStore : IModelStore
{
    private const string InfoColumns =
        "version, created_at, trained_up_to_seq, metadata_json, factors, user_count, item_count, payload_bytes";

    private readonly NpgsqlDataSource _dataSource;
    private readonly int _versionsToKeep;

    public PostgresModelStore(PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _versionsToKeep = options.ModelVersionsToKeep;
        _dataSource = PostgresDataSources.Create(options, "OnlineRec model store");
    }

    public async Task SaveAsync(ModelSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Model.IsFinite()) throw new ArgumentException("Refusing to store a model holding NaN or ∞.", nameof(snapshot));
        var payload = MfModelCodec.Encode(snapshot.Model);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var durable = new NpgsqlCommand("SELECT set_config('synchronous_commit', 'on', true);", connection, transaction))
            await durable.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO model_versions (version, created_at, trained_up_to_seq, metadata_json, factors, user_count,
                                        item_count, codec_version, payload_bytes, payload)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Version });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = snapshot.CreatedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.TrainedUpToSequence });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.MetadataJson ?? "{}" });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = snapshot.Model.Factors });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = snapshot.Model.UserCount });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = snapshot.Model.ItemCount });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = MfModelCodec.FormatVersion });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = payload.LongLength });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new InvalidOperationException($"Model version {snapshot.Version} is already stored.", error);
            }
        }
        await using (var prune = new NpgsqlCommand("""
            DELETE FROM model_versions
            WHERE version NOT IN (SELECT version FROM model_versions ORDER BY version DESC LIMIT $1);
            """, connection, transaction))
        {
            prune.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _versionsToKeep });
            await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<ModelSnapshot?> LoadLatestAsync(CancellationToken cancellationToken = default) =>
        LoadWhereAsync("ORDER BY version DESC LIMIT 1", null, cancellationToken);

    public Task<ModelSnapshot?> LoadAsync(long version, CancellationToken cancellationToken = default) =>
        LoadWhereAsync("WHERE version = $1", version, cancellationToken);

    private async Task<ModelSnapshot?> LoadWhereAsync(string clause, long? version, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {InfoColumns}, payload FROM model_versions {clause};");
        if (version is not null) command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version.Value });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        var info = ReadInfo(reader);
        var payload = await reader.GetFieldValueAsync<byte[]>(8, cancellationToken).ConfigureAwait(false);
        // Decoding verifies the SHA-256 and is CPU-bound for large models: keep it off the caller's (grain) thread.
        var model = await Task.Run(() => MfModelCodec.Decode(payload), cancellationToken).ConfigureAwait(false);
        return new ModelSnapshot(info.Version, info.CreatedAt, info.TrainedUpToSequence, info.MetadataJson, model);
    }

    public async Task<IReadOnlyList<ModelSnapshotInfo>> GetVersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {InfoColumns} FROM model_versions ORDER BY version DESC;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var versions = new List<ModelSnapshotInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) versions.Add(ReadInfo(reader));
        return versions;
    }

    private static ModelSnapshotInfo ReadInfo(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2), reader.GetString(3),
        reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt64(7));

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
