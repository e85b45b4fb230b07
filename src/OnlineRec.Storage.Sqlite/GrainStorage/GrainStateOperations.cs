
namespace OnlineRec.Storage.Sqlite.GrainStorage;

/// <summary>Primary key of a grain state row.</summary>
internal readonly record struct GrainStateKey(string ServiceId, string StateName, string GrainId);

/// <summary>Outcome of a conditional write: the new ETag, or the ETag found when the condition failed (null: no row).</summary>
internal readonly record struct EtagOutcome(bool Succeeded, long? Etag);

/// <summary>
/// Optimistic-concurrency write of one grain's state. A mismatch is returned, not thrown, so it never rolls back the
/// other grains' writes sharing the group-commit transaction. A cleared state is a tombstone (payload NULL) whose
/// ETag keeps counting, so a stale writer can never match a re-created row by accident.
/// </summary>
internal sealed class WriteGrainStateOperation(GrainStateKey key, long? expectedEtag, byte[] payload, long nowMs)
    : WriteOperation<EtagOutcome>(1, CancellationToken.None)
{
    private static readonly SqliteStatement Insert = new("""
        INSERT INTO grain_state (service_id, state_name, grain_id, etag, payload, updated_at)
        VALUES ($s, $n, $g, 1, $p, $t) ON CONFLICT (service_id, state_name, grain_id) DO NOTHING;
        """, "$s", "$n", "$g", "$p", "$t");
    // A writer that believes no record exists may take over a tombstone.
    private static readonly SqliteStatement ReviveTombstone = new("""
        UPDATE grain_state SET etag = etag + 1, payload = $p, updated_at = $t
        WHERE service_id = $s AND state_name = $n AND grain_id = $g AND payload IS NULL;
        """, "$s", "$n", "$g", "$p", "$t");
    private static readonly SqliteStatement Update = new("""
        UPDATE grain_state SET etag = etag + 1, payload = $p, updated_at = $t
        WHERE service_id = $s AND state_name = $n AND grain_id = $g AND etag = $e;
        """, "$s", "$n", "$g", "$p", "$t", "$e");

    protected override EtagOutcome Run(SqliteWriteSession session)
    {
        if (expectedEtag is null)
        {
            if (Execute(session, Insert) == 1) return new EtagOutcome(true, 1);
            if (Execute(session, ReviveTombstone) == 1) return new EtagOutcome(true, GrainStateQueries.CurrentEtag(session, key));
            return new EtagOutcome(false, GrainStateQueries.CurrentEtag(session, key));
        }
        return Execute(session, Update, expectedEtag.Value) == 1
            ? new EtagOutcome(true, expectedEtag.Value + 1)
            : new EtagOutcome(false, GrainStateQueries.CurrentEtag(session, key));
    }

    private int Execute(SqliteWriteSession session, SqliteStatement statement, long? etag = null)
    {
        var command = session.Command(statement);
        var p = command.Parameters;
        p[0].Value = key.ServiceId;
        p[1].Value = key.StateName;
        p[2].Value = key.GrainId;
        p[3].Value = payload;
        p[4].Value = nowMs;
        if (etag is not null) p[5].Value = etag.Value;
        return command.ExecuteNonQuery();
    }
}

/// <summary>Clears one grain's state by turning its row into a tombstone (payload NULL, ETag + 1).</summary>
internal sealed class ClearGrainStateOperation(GrainStateKey key, long? expectedEtag, long nowMs)
    : WriteOperation<EtagOutcome>(1, CancellationToken.None)
{
    private static readonly SqliteStatement Clear = new("""
        UPDATE grain_state SET etag = etag + 1, payload = NULL, updated_at = $t
        WHERE service_id = $s AND state_name = $n AND grain_id = $g AND etag = $e;
        """, "$s", "$n", "$g", "$t", "$e");

    protected override EtagOutcome Run(SqliteWriteSession session)
    {
        var current = GrainStateQueries.CurrentEtag(session, key);
        if (expectedEtag is null)
            // Nothing was ever read: fine only if there is nothing (or only a tombstone) to clear.
            return current is null || GrainStateQueries.IsTombstone(session, key)
                ? new EtagOutcome(true, current)
                : new EtagOutcome(false, current);
        var command = session.Command(Clear);
        var p = command.Parameters;
        p[0].Value = key.ServiceId;
        p[1].Value = key.StateName;
        p[2].Value = key.GrainId;
        p[3].Value = nowMs;
        p[4].Value = expectedEtag.Value;
        return command.ExecuteNonQuery() == 1
            ? new EtagOutcome(true, expectedEtag.Value + 1)
            : new EtagOutcome(false, current);
    }
}

internal static class GrainStateQueries
{
    private static readonly SqliteStatement Etag = new(
        "SELECT etag, payload IS NULL FROM grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g;",
        "$s", "$n", "$g");

    public static long? CurrentEtag(SqliteWriteSession session, GrainStateKey key) => Read(session, key).Etag;

    public static bool IsTombstone(SqliteWriteSession session, GrainStateKey key) => Read(session, key).Tombstone;

    private static (long? Etag, bool Tombstone) Read(SqliteWriteSession session, GrainStateKey key)
    {
        var command = session.Command(Etag);
        command.Parameters[0].Value = key.ServiceId;
        command.Parameters[1].Value = key.StateName;
        command.Parameters[2].Value = key.GrainId;
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1) == 1) : (null, false);
    }
}
