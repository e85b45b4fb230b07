using System.Collections.Concurrent;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// A user's serving row as its grain last published it: immutable, so a reader never sees half an update, and a
/// cache can tell "unchanged" by reference.
/// </summary>
/// <param name="Known">The user rated something or is in the model; otherwise its bias and vector don't count.</param>
/// <param name="Rated">Every item the user has rated (excluded from its recommendations); a view that never changes.</param>
public sealed record UserRow(float Bias, float[] Vector, bool Known, int ModelVersion, ArraySegment<string> Rated)
{
    /// <summary>The last top-N list computed from this row (<see cref="RecommendationCache"/>); dropped with the row.</summary>
    internal CachedRecommendations? CachedRecommendations;
}

/// <summary>
/// Rows of the users whose grains are active on this silo, published by the grains themselves after every completed
/// rating batch, catch-up or model adoption, and withdrawn on deactivation. Bulk reads use it instead of one grain call
/// per user. Freshness: a row is exactly the grain's state after its last completed batch, the same state a read
/// queued behind that batch would see; users absent here are asked through their grain.
/// </summary>
public sealed class UserFactorReplica
{
    private readonly ConcurrentDictionary<string, UserRow> _rows;
    private readonly ConcurrentDictionary<string, UserRow>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public UserFactorReplica()
    {
        _rows = new(StringComparer.Ordinal);
        _bySpan = _rows.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _rows.Count;

    public void Publish(string user, UserRow row) => _rows[user] = row;

    /// <summary>Removes the user's row if it is still <paramref name="row"/> (a later activation's row stays).</summary>
    public void Withdraw(string user, UserRow row) => _rows.TryRemove(KeyValuePair.Create(user, row));

    public bool TryGet(string user, out UserRow row) => _rows.TryGetValue(user, out row!);

    /// <summary>Looks a user up by span: batched queries carry their ids packed in one string.</summary>
    public bool TryGet(ReadOnlySpan<char> user, out UserRow row) => _bySpan.TryGetValue(user, out row!);
}
