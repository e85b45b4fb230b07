using System.Text.RegularExpressions;

namespace OnlineRec.Storage.Postgres;

/// <summary>
/// Where and how the PostgreSQL rating log and model store keep their data. Every silo of a cluster points at the
/// same database and schema, so they share one log and one model store.
/// </summary>
public sealed partial class PostgresStorageOptions
{
    /// <summary>Npgsql connection string, e.g. <c>Host=127.0.0.1;Username=onlinerec;Password=…;Database=onlinerec</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Schema of OnlineRec's own tables (rating log, model store, schema history).</summary>
    public string Schema { get; set; } = "onlinerec";

    /// <summary>
    /// Schema of the Orleans ADO.NET tables. Orleans' stored queries are unqualified, so Orleans must be given a
    /// connection string whose search path finds this schema; the default <c>public</c> needs nothing extra.
    /// </summary>
    public string OrleansSchema { get; set; } = "public";

    /// <summary>How long a client batch id is remembered so a retried batch is recognised as a duplicate.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How many installed model versions the model store keeps (older ones are deleted on save).</summary>
    public int ModelVersionsToKeep { get; set; } = 5;

    /// <summary>Upper bound on ratings committed in one group-commit transaction (bounds latency and lock hold time).</summary>
    public int MaxRatingsPerTransaction { get; set; } = 50_000;

    /// <summary>Largest batch a single append may carry.</summary>
    public int MaxBatchSize { get; set; } = 100_000;

    /// <summary>Rows fetched per query when streaming a range (short snapshots don't hold back vacuum).</summary>
    public int ReadPageSize { get; set; } = 20_000;

    /// <summary>
    /// Connections per pool per silo (rating log, model store and Orleans each have one) unless the connection string
    /// sets Maximum Pool Size. Keep silos × pools × this under the server's max_connections.
    /// </summary>
    public int MaxPoolSize { get; set; } = 16;

    /// <summary>Throws with a readable message when a setting is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)) throw new ArgumentException("The PostgreSQL ConnectionString must be set.");
        ValidateIdentifier(Schema, nameof(Schema));
        ValidateIdentifier(OrleansSchema, nameof(OrleansSchema));
        if (IdempotencyRetention <= TimeSpan.Zero) throw new ArgumentException("IdempotencyRetention must be > 0.");
        if (ModelVersionsToKeep < 1) throw new ArgumentException("ModelVersionsToKeep must be ≥ 1.");
        if (MaxRatingsPerTransaction < 1) throw new ArgumentException("MaxRatingsPerTransaction must be ≥ 1.");
        if (MaxBatchSize < 1) throw new ArgumentException("MaxBatchSize must be ≥ 1.");
        if (ReadPageSize < 1) throw new ArgumentException("ReadPageSize must be ≥ 1.");
        if (MaxPoolSize < 1) throw new ArgumentException("MaxPoolSize must be ≥ 1.");
    }

    public PostgresStorageOptions Clone() => (PostgresStorageOptions)MemberwiseClone();

    // Schema names are spliced into SQL and the search path, so only plain lower-case identifiers are accepted.
    private static void ValidateIdentifier(string value, string name)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 63 || !PlainIdentifier().IsMatch(value))
            throw new ArgumentException($"{name} '{value}' must be a lower-case identifier: a-z or _ first, then a-z, 0-9 or _ (at most 63).");
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex PlainIdentifier();
}
