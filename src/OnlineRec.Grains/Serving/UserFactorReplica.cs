using OnlineRec.Abstractions;
using OnlineRec.Core.Serving;

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
/// <para>
/// Layout: an <see cref="IdTable"/> gives each user a dense index into an array of rows, so a batch looks its users
/// up in passes that overlap their cache misses (<see cref="LookUp"/>). Writers (grains publishing) take a lock;
/// readers take none. A withdrawn user keeps its index (its row is null) until withdrawn users outnumber live ones,
/// when the table is rebuilt without them.
/// </para>
/// </summary>
public sealed class UserFactorReplica
{
    private const int MinWithdrawnBeforeCompaction = 1024;
    private readonly Lock _writeLock = new();
    private volatile Rows _rows = new(new IdTable(), new UserRow?[64]);
    private int _live;
    private int _withdrawn;

    public int Count => Volatile.Read(ref _live);

    public void Publish(string user, UserRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        lock (_writeLock)
        {
            var rows = _rows;
            var index = rows.Ids.IndexOf(user);
            if (index < 0)
            {
                index = rows.Ids.Count; // dense: indices are never reused within one table
                if (index == rows.ById.Length)
                {
                    var grown = new UserRow?[rows.ById.Length * 2];
                    rows.ById.CopyTo(grown);
                    _rows = rows = rows with { ById = grown };
                }
                Volatile.Write(ref rows.ById[index], row); // before the id is visible, so a reader finding it finds a row
                rows.Ids.Add(user, index);
                _live++;
                return;
            }
            if (rows.ById[index] is null)
            {
                _live++;
                _withdrawn--;
            }
            Volatile.Write(ref rows.ById[index], row);
        }
    }

    /// <summary>Removes the user's row if it is still <paramref name="row"/> (a later activation's row stays).</summary>
    public void Withdraw(string user, UserRow row)
    {
        lock (_writeLock)
        {
            var rows = _rows;
            var index = rows.Ids.IndexOf(user);
            if (index < 0 || !ReferenceEquals(rows.ById[index], row)) return;
            Volatile.Write(ref rows.ById[index], null);
            _live--;
            _withdrawn++;
            if (_withdrawn >= MinWithdrawnBeforeCompaction && _withdrawn > _live) Compact(rows);
        }
    }

    public bool TryGet(string user, out UserRow row) => TryGet(user.AsSpan(), out row);

    /// <summary>Looks a user up by span: batched queries carry their ids packed in one string.</summary>
    public bool TryGet(ReadOnlySpan<char> user, out UserRow row)
    {
        var rows = _rows;
        row = rows.At(rows.Ids.IndexOf(user))!;
        return row is not null;
    }

    /// <summary>
    /// Rows of a batched query's users, null where a user has none here. <paramref name="scratch"/> (as long as the
    /// batch) holds hashes and indices in between. Each row found is prefetched, for the caller's next pass.
    /// </summary>
    public void LookUp<TIds>(TIds users, Span<int> scratch, Span<UserRow?> found) where TIds : IIdSource
    {
        var rows = _rows; // one view for the whole batch
        rows.Ids.IndicesOf(users, scratch);
        for (var i = 0; i < users.Count; i++)
        {
            var row = rows.At(scratch[i]);
            found[i] = row;
            CacheHints.PrefetchObject(row);
        }
    }

    private void Compact(Rows rows)
    {
        var ids = new IdTable(_live);
        var byId = new UserRow?[Math.Max(64, _live * 2)];
        var next = 0;
        foreach (var (id, index) in rows.Ids.Entries())
        {
            if (rows.ById[index] is not { } row) continue;
            byId[next] = row;
            ids.Add(id, next++);
        }
        _rows = new Rows(ids, byId); // readers holding the old view finish on it
        _withdrawn = 0;
    }

    // The id table may already hold ids added after this array was replaced by a longer one: their indices lie
    // beyond it and read as absent from this (older) view.
    private sealed record Rows(IdTable Ids, UserRow?[] ById)
    {
        public UserRow? At(int index) => (uint)index < (uint)ById.Length ? Volatile.Read(ref ById[index]) : null;
    }
}
