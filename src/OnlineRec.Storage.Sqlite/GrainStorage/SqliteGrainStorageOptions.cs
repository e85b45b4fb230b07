using Orleans.Storage;

namespace OnlineRec.Storage.Sqlite.GrainStorage;

/// <summary>Options of one named SQLite grain storage provider.</summary>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Directory of the database file; created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    public string FileName { get; set; } = "grainstate.db";

    /// <summary>
    /// Normal by default: grain state is written behind and grains catch up from the rating log, so an fsync per
    /// write buys nothing. Committed writes survive a process kill either way.
    /// </summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Normal;

    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cap on grain writes coalesced into one transaction by the group-commit writer.</summary>
    public int MaxWritesPerTransaction { get; set; } = 2_000;

    /// <summary>
    /// Serializer for state payloads. When left null the provider uses Orleans' binary serializer
    /// (<see cref="OrleansGrainStorageSerializer"/>): compact and fast, but state types need
    /// <c>[GenerateSerializer]</c>. To use the silo-wide default instead, configure through the
    /// <c>OptionsBuilder</c> overload: <c>.Configure&lt;IGrainStorageSerializer&gt;((o, s) =&gt; o.GrainStorageSerializer = s)</c>.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    public string DatabasePath => Path.Combine(DataDirectory, FileName);
}
