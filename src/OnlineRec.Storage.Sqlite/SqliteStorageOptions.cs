namespace OnlineRec.Storage.Sqlite;

/// <summary>How hard SQLite works to make a commit durable (maps to <c>PRAGMA synchronous</c>).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// WAL is written on commit but fsync'd only at checkpoints: a committed transaction survives a process kill
    /// (the bytes are in the OS page cache) but the last commits may be lost on power failure or kernel crash.
    /// </summary>
    Normal,

    /// <summary>The WAL is fsync'd before every commit returns: a commit survives a power failure too.</summary>
    Full,
}

/// <summary>
/// Where and how OnlineRec keeps its embedded SQLite databases.
/// The data lives in three files under <see cref="DataDirectory"/>, one per kind of write traffic, because SQLite
/// admits one writer per file: rating appends (the ingest hot path) must never queue behind grain write-behind or a
/// multi-megabyte model blob. Nothing ever needs a transaction across two of them: a model snapshot refers to the
/// log only by sequence number, and grain state records its last applied sequence itself.
/// </summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Directory holding the database files; created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    public string RatingLogFileName { get; set; } = "ratings.db";
    public string GrainStateFileName { get; set; } = "grainstate.db";
    public string ModelStoreFileName { get; set; } = "models.db";

    /// <summary>How long a connection waits for another writer's lock before failing with SQLITE_BUSY.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Durability of rating-log commits. Full by default: an acknowledged rating must survive a power cut, and with
    /// group commit one fsync covers every append in the transaction, so the cost is per transaction, not per rating.
    /// Normal still survives a process kill.
    /// </summary>
    public SqliteDurability RatingLogDurability { get; set; } = SqliteDurability.Full;

    /// <summary>
    /// Durability of grain-state writes. Normal by default: grain state is written behind and a grain that lost its
    /// last writes catches up from the rating log (it records the last sequence it applied), so an fsync per
    /// write would buy nothing.
    /// </summary>
    public SqliteDurability GrainStateDurability { get; set; } = SqliteDurability.Normal;

    /// <summary>Durability of model snapshots (rare, large writes: Full costs nothing noticeable).</summary>
    public SqliteDurability ModelStoreDurability { get; set; } = SqliteDurability.Full;

    /// <summary>How long a client batch id is remembered so a retried batch is recognised as a duplicate.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How many installed model versions the model store keeps (older ones are deleted on save).</summary>
    public int ModelVersionsToKeep { get; set; } = 5;

    /// <summary>Upper bound on ratings committed in one group-commit transaction (bounds latency and WAL growth).</summary>
    public int MaxRatingsPerTransaction { get; set; } = 50_000;

    /// <summary>Largest batch a single append may carry.</summary>
    public int MaxBatchSize { get; set; } = 100_000;

    /// <summary>
    /// The user/item indexes are extended in chunks of up to this many ratings, once that many are waiting
    /// (bigger chunks dirty fewer index pages per rating but hold the writer longer).
    /// </summary>
    public int IndexChunkRows { get; set; } = 20_000;

    /// <summary>Index whatever is waiting once its oldest rating is this old, even if less than a chunk.</summary>
    public TimeSpan IndexMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Rows fetched per read transaction when streaming a range (keeps read snapshots short so checkpoints progress).</summary>
    public int ReadPageSize { get; set; } = 20_000;

    public string RatingLogPath => Path.Combine(DataDirectory, RatingLogFileName);
    public string GrainStatePath => Path.Combine(DataDirectory, GrainStateFileName);
    public string ModelStorePath => Path.Combine(DataDirectory, ModelStoreFileName);

    /// <summary>Throws with a readable message when a setting is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new ArgumentException("DataDirectory must be set (was empty).");
        foreach (var name in new[] { RatingLogFileName, GrainStateFileName, ModelStoreFileName })
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("RatingLogFileName, GrainStateFileName and ModelStoreFileName must be set (one was empty).");
        if (BusyTimeout < TimeSpan.Zero) throw new ArgumentException($"BusyTimeout must be ≥ 0 (was {BusyTimeout}).");
        if (IdempotencyRetention <= TimeSpan.Zero) throw new ArgumentException($"IdempotencyRetention must be > 0 (was {IdempotencyRetention}).");
        if (ModelVersionsToKeep < 1) throw new ArgumentException($"ModelVersionsToKeep must be ≥ 1 (was {ModelVersionsToKeep}).");
        if (MaxRatingsPerTransaction < 1) throw new ArgumentException($"MaxRatingsPerTransaction must be ≥ 1 (was {MaxRatingsPerTransaction}).");
        if (MaxBatchSize < 1) throw new ArgumentException($"MaxBatchSize must be ≥ 1 (was {MaxBatchSize}).");
        if (IndexChunkRows < 1) throw new ArgumentException($"IndexChunkRows must be ≥ 1 (was {IndexChunkRows}).");
        if (IndexMaxDelay < TimeSpan.Zero) throw new ArgumentException($"IndexMaxDelay must be ≥ 0 (was {IndexMaxDelay}).");
        if (ReadPageSize < 1) throw new ArgumentException($"ReadPageSize must be ≥ 1 (was {ReadPageSize}).");
    }
}
