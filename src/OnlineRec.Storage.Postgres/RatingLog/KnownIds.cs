namespace OnlineRec.Storage.Postgres.RatingLog;

/// <summary>
/// User and item ids this process has seen committed to <c>log_users</c>/<c>log_items</c>, so a group only registers
/// ids that may be new. Registering an id costs an index probe (and a write when new) on the server; with real
/// traffic most ids in a batch were seen minutes ago, so this removes most of that work from the append path.
/// <para>
/// Holds 64-bit FNV-1a fingerprints, not strings (≈20 bytes per id instead of the id's string), and forgets
/// everything when it grows past <see cref="Capacity"/>. Only false "unknown" answers are harmless (the database
/// dedups); a false "known" needs a fingerprint collision (≈3·10⁻⁸ at a million ids) and would leave one id out of
/// the distinct counts, never a rating out of the log. Used only by the single writer loop: no locking.
/// </para>
/// </summary>
internal sealed class KnownIds(int capacity = 1_000_000)
{
    private readonly HashSet<ulong> _fingerprints = new();

    public int Capacity { get; } = capacity;

    public bool Contains(string id, IdKind kind) => _fingerprints.Contains(Fingerprint(id, kind));

    /// <summary>Called after the transaction that registered <paramref name="ids"/> committed.</summary>
    public void AddCommitted(IEnumerable<string> ids, IdKind kind)
    {
        foreach (var id in ids)
        {
            if (_fingerprints.Count >= Capacity) _fingerprints.Clear();
            _fingerprints.Add(Fingerprint(id, kind));
        }
    }

    private static ulong Fingerprint(string id, IdKind kind)
    {
        var hash = 14695981039346656037UL ^ (ulong)kind;
        foreach (var c in id)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }
        return hash;
    }
}

internal enum IdKind : byte
{
    User = 1,
    Item = 2,
}
