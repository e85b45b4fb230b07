using Npgsql;

namespace OnlineRec.Cluster.Tests;

/// <summary>One rating as the log holds it (sequence = its batch's first sequence + its position).</summary>
public readonly record struct LogRow(long Sequence, string User, string Item, float Value, long Timestamp);

/// <summary>
/// Reads the PostgreSQL rating log directly with SQL (not through the code under test): the published rows in
/// sequence order, the stored idempotency keys and the running totals.
/// </summary>
public sealed class RatingLogAudit(ThrowawayDatabase database, string schema = "onlinerec")
{
    public async Task<List<LogRow>> RowsAsync()
    {
        await using var connection = await database.OpenAsync();
        // Rows are visible in the log only with their batch row (rows of a batch that never committed have none).
        await using var command = new NpgsqlCommand(
            $"""
             SELECT b.first_seq + r.ord, r.user_id, r.item_id, r.value, r.ts
             FROM {schema}.rating_rows r JOIN {schema}.rating_batches b ON b.batch_id = r.batch_id
             ORDER BY 1
             """, connection);
        command.CommandTimeout = 300;
        var rows = new List<LogRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new LogRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFloat(3), reader.GetInt64(4)));
        return rows;
    }

    /// <summary>Idempotency key → (first, last) sequence.</summary>
    public async Task<Dictionary<string, (long First, long Last)>> KeysAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT batch_key, first_seq, last_seq FROM {schema}.idempotency_keys", connection);
        var keys = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) keys[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return keys;
    }

    public async Task<(long Count, long LastSequence)> StatsAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT rating_count, last_seq FROM {schema}.log_stats WHERE id = 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Rows written by attempts that never committed (dead transactions leave none; aborted duplicates are deleted).</summary>
    public async Task<long> UnpublishedRowsAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM {schema}.rating_rows r WHERE NOT EXISTS (SELECT 1 FROM {schema}.rating_batches b WHERE b.batch_id = r.batch_id)",
            connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Grain state rows in Orleans' storage table by state name (for the report).</summary>
    public async Task<string> GrainStorageSummaryAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT graintypestring, count(*) FROM orleansstorage WHERE payloadbinary IS NOT NULL GROUP BY 1 ORDER BY 2 DESC", connection);
        var parts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            parts.Add($"{reader.GetString(0)} ×{reader.GetInt64(1)}");
        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }
}
