using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>Which side's rows a shard solves in a half-step.</summary>
public enum ShardSide
{
    Users = 0,
    Items = 1,
}

/// <summary>A rating with the log sequence it was stored under: the order ALS data are built in.</summary>
public readonly record struct SequencedRating(long Sequence, string User, string Item, float Value);

/// <summary>An id a shard owns, and the sequence at which it first appears in the de-duplicated log.</summary>
public readonly record struct ShardId(string Id, long FirstSeen);

/// <summary>
/// One shard's ratings for one side (all ratings of the users, or of the items, that hash to the shard), as read
/// from the log in sequence order. Every rating of an owned row is here, so re-ratings can be resolved locally:
/// each (user, item) pair keeps its latest rating, ordered by that rating's sequence, which is exactly the order the
/// single-process reconciler builds its dataset in. That makes <see cref="OwnedIds"/>' first-seen sequences the
/// order a single process would have added the ids to its maps, so sharded and single-process training agree.
/// </summary>
public sealed class ShardRatings(ShardSide side)
{
    private readonly Dictionary<(string User, string Item), int> _latestByPair = new();
    private readonly List<SequencedRating> _all = new();
    private List<SequencedRating>? _latest;

    public ShardSide Side { get; } = side;

    public void Add(in SequencedRating rating)
    {
        if (_latest is not null) throw new InvalidOperationException("The shard's ratings were already read.");
        if (_all.Count > 0 && rating.Sequence <= _all[^1].Sequence)
            throw new ArgumentException($"Ratings must arrive in increasing sequence order ({rating.Sequence} after {_all[^1].Sequence}).");
        _latestByPair[(rating.User, rating.Item)] = _all.Count;
        _all.Add(rating);
    }

    /// <summary>Each pair once, its latest rating, in the sequence order of those ratings.</summary>
    public IReadOnlyList<SequencedRating> Latest => _latest ??= Deduplicate();

    public int Count => Latest.Count;

    /// <summary>Σ of the de-duplicated values, in double (the global mean is assembled from every shard's sum).</summary>
    public double ValueSum
    {
        get
        {
            double sum = 0;
            foreach (var r in Latest) sum += r.Value;
            return sum;
        }
    }

    /// <summary>The ids this shard solves (users or items, by <see cref="Side"/>) in order of first appearance.</summary>
    public ShardId[] OwnedIds()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var owned = new List<ShardId>();
        foreach (var r in Latest)
        {
            var id = RowId(r);
            if (seen.Add(id)) owned.Add(new ShardId(id, r.Sequence));
        }
        return owned.ToArray();
    }

    /// <summary>
    /// Local compressed rows over global indices: row j is the j-th owned id (in <see cref="OwnedIds"/> order),
    /// its columns are the other side's indices in <paramref name="users"/>/<paramref name="items"/>.
    /// Every id must be in the maps (the coordinator built them from every shard's owned ids).
    /// </summary>
    public ShardRows Bind(IdMap users, IdMap items)
    {
        var (rowMap, columnMap) = Side == ShardSide.Users ? (users, items) : (items, users);
        var owned = OwnedIds();
        var localRow = new Dictionary<string, int>(owned.Length, StringComparer.Ordinal);
        var globalRows = new int[owned.Length];
        for (var j = 0; j < owned.Length; j++)
        {
            localRow.Add(owned[j].Id, j);
            globalRows[j] = IndexIn(rowMap, owned[j].Id);
        }
        var ratings = new Rating[Latest.Count];
        var index = 0;
        foreach (var r in Latest)
            ratings[index++] = new Rating(localRow[RowId(r)], IndexIn(columnMap, ColumnId(r)), r.Value);
        return new ShardRows(Side, globalRows, SparseRows.Build(ratings, owned.Length, byUser: true));
    }

    private string RowId(in SequencedRating r) => Side == ShardSide.Users ? r.User : r.Item;

    private string ColumnId(in SequencedRating r) => Side == ShardSide.Users ? r.Item : r.User;

    private static int IndexIn(IdMap map, string id) =>
        map.TryGetIndex(id, out var index) ? index : throw new InvalidOperationException($"Id '{id}' is missing from the retrain's id map.");

    private List<SequencedRating> Deduplicate()
    {
        if (_latestByPair.Count == _all.Count) return _all;
        var latest = new List<SequencedRating>(_latestByPair.Count);
        for (var i = 0; i < _all.Count; i++)
            if (_latestByPair[(_all[i].User, _all[i].Item)] == i) latest.Add(_all[i]);
        return latest;
    }
}
