using System.Globalization;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OnlineRec.Storage.Sqlite.GrainStorage;

/// <summary>
/// Orleans grain storage on an embedded SQLite file. Writes from all grains go through one group-commit writer
/// (prepared statements, WAL), so thousands of write-behind flushes per second cost a handful of transactions;
/// reads use pooled connections in parallel. ETags are per-row integer versions checked in the UPDATE's WHERE clause:
/// a mismatch raises <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IAsyncDisposable, IDisposable
{
    private const string Component = "grain_state";
    private const int SchemaVersion = 1;
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS grain_state (
            service_id TEXT    NOT NULL,
            state_name TEXT    NOT NULL,
            grain_id   TEXT    NOT NULL,
            etag       INTEGER NOT NULL,
            payload    BLOB,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_grain_state_key ON grain_state (service_id, state_name, grain_id);
        """;

    private readonly string _name;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly TimeProvider _time;
    private readonly SqliteDatabase _database;
    private readonly SqliteWriteQueue _writer;
    private int _disposed;

    public SqliteGrainStorage(string name, SqliteGrainStorageOptions options, string serviceId, IActivatorProvider activators,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _serializer = options.GrainStorageSerializer
                      ?? throw new ArgumentException("SqliteGrainStorageOptions.GrainStorageSerializer is not set.", nameof(options));
        _name = name;
        _serviceId = serviceId;
        _activators = activators;
        _time = timeProvider ?? TimeProvider.System;
        _database = new SqliteDatabase(options.DatabasePath, options.Durability, options.BusyTimeout);
        SqliteSchema.Ensure(_database, Component, SchemaVersion, Ddl);
        _writer = new SqliteWriteQueue(_database, options.MaxWritesPerTransaction, name: $"grain-storage-writer:{name}");
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, payload FROM grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g;";
        command.Parameters.AddWithValue("$s", key.ServiceId);
        command.Parameters.AddWithValue("$n", key.StateName);
        command.Parameters.AddWithValue("$g", key.GrainId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            grainState.State = CreateDefault<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
        grainState.ETag = FormatEtag(reader.GetInt64(0));
        if (reader.IsDBNull(1))
        {
            // Tombstone of a cleared state: no record, but its ETag keeps the next write honest.
            grainState.State = CreateDefault<T>();
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
        var payload = (byte[])reader.GetValue(1);
        grainState.State = _serializer.Deserialize<T>(new BinaryData(payload)) ?? CreateDefault<T>();
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var expected = ParseEtag(grainState.ETag);
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var outcome = await _writer.EnqueueAsync(new WriteGrainStateOperation(key, expected, payload, NowMs())).ConfigureAwait(false);
        if (!outcome.Succeeded) throw Mismatch("write", key, outcome.Etag, grainState.ETag);
        grainState.ETag = FormatEtag(outcome.Etag!.Value);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var expected = ParseEtag(grainState.ETag);
        var outcome = await _writer.EnqueueAsync(new ClearGrainStateOperation(key, expected, NowMs())).ConfigureAwait(false);
        if (!outcome.Succeeded) throw Mismatch("clear", key, outcome.Etag, grainState.ETag);
        grainState.ETag = outcome.Etag is { } etag ? FormatEtag(etag) : null;
        grainState.RecordExists = false;
        grainState.State = CreateDefault<T>();
    }

    private GrainStateKey Key(string stateName, GrainId grainId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new GrainStateKey(_serviceId, stateName, grainId.ToString());
    }

    private InconsistentStateException Mismatch(string operation, GrainStateKey key, long? stored, string? current) =>
        new($"SqliteGrainStorage '{_name}': ETag mismatch on {operation} of {key.StateName} for {key.GrainId}.",
            stored is { } s ? FormatEtag(s) : "(none)", current ?? "(none)");

    private T CreateDefault<T>() => _activators.GetActivator<T>().Create();

    private static string FormatEtag(long etag) => etag.ToString(CultureInfo.InvariantCulture);

    private static long? ParseEtag(string? etag)
    {
        if (etag is null) return null;
        // An ETag this provider never issued cannot match any row: -1 never exists, so the write reports a mismatch.
        return long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : -1;
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _writer.DisposeAsync().ConfigureAwait(false);
        _database.ReleasePooledConnections();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
