using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>Which side's rows a shard solves in a half-step.</summary>
public enum ShardSide
{
    Users = 0,
    Items = 1,
}

/// <summary>
/// A log entry with the sequence it was stored under (the order retrain data are built in): a rating, or with
/// <see cref="LogEntryKind.Event"/> an implicit event whose <see cref="Value"/> is its weight.
/// </summary>
public readonly record struct SequencedRating(long Sequence, string User, string Item, float Value, long Timestamp = 0,
    LogEntryKind Kind = LogEntryKind.Rating);

/// <summary>An id a shard owns, and the sequence at which it first appears in the de-duplicated log.</summary>
public readonly record struct ShardId(string Id, long FirstSeen);

/// <summary>
/// One shard's log entries for one side (all entries of the users, or of the items, that hash to the shard), as read
/// from the log in sequence order. Every entry of an owned row is here, so each model's rule can be applied locally:
/// the rating model keeps each (user, item) pair's latest rating, ordered by that rating's sequence, which is exactly
/// the order the single-process reconciler builds its dataset in; the ranking model folds every entry of a pair into
/// one weight (<see cref="InteractionAggregator"/>). <see cref="OwnedIds"/>' first-seen sequences are the order a
/// single process would have added the ids to its maps, so sharded and single-process training agree.
/// </summary>
public sealed class ShardRatings(ShardSide side)
{
    private readonly Dictionary<(string User, string Item), int> _latestRatingByPair = new();
    private readonly List<SequencedRating> _all = new();
    private int _events;
    private List<SequencedRating>? _latest;

    public ShardSide Side { get; } = side;

    public void Add(in SequencedRating rating)
    {
        if (_latest is not null) throw new InvalidOperationException("The shard's ratings were already read.");
        if (_all.Count > 0 && rating.Sequence <= _all[^1].Sequence)
            throw new ArgumentException($"Ratings must arrive in increasing sequence order ({rating.Sequence} after {_all[^1].Sequence}).");
        if (rating.Kind == LogEntryKind.Event) _events++;
        else _latestRatingByPair[(rating.User, rating.Item)] = _all.Count;
        _all.Add(rating);
    }

    /// <summary>The ratings: each pair once, its latest rating, in the sequence order of those ratings.</summary>
    public IReadOnlyList<SequencedRating> Latest => _latest ??= Deduplicate(includeEvents: false);

    /// <summary>De-duplicated ratings (the rating model's data).</summary>
    public int Count => Latest.Count;

    /// <summary>Σ of the de-duplicated rating values, in double (the global mean is assembled from every shard's sum).</summary>
    public double ValueSum
    {
        get
        {
            double sum = 0;
            foreach (var r in Latest) sum += r.Value;
            return sum;
        }
    }

    /// <summary>
    /// The ids this shard solves (users or items, by <see cref="Side"/>) in order of first appearance in the
    /// de-duplicated log (latest ratings and every event): rows of both models are laid out in this order.
    /// </summary>
    public ShardId[] OwnedIds()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var owned = new List<ShardId>();
        foreach (var r in _events == 0 ? Latest : Deduplicate(includeEvents: true))
        {
            var id = RowId(r);
            if (seen.Add(id)) owned.Add(new ShardId(id, r.Sequence));
        }
        return owned.ToArray();
    }

    /// <summary>
    /// The rating model's rows over global indices: row j is the j-th owned id (in <see cref="OwnedIds"/> order),
    /// its columns are the other side's indices in <paramref name="users"/>/<paramref name="items"/>, its values the
    /// latest ratings. Every id must be in the maps (the coordinator built them from every shard's owned ids).
    /// </summary>
    public ShardRows Bind(IdMap users, IdMap items)
    {
        var (localRow, globalRows, columnMap) = Layout(users, items);
        var ratings = new Rating[Latest.Count];
        var index = 0;
        foreach (var r in Latest)
            ratings[index++] = new Rating(localRow[RowId(r)], IndexIn(columnMap, ColumnId(r)), r.Value);
        return new ShardRows(Side, globalRows, SparseRows.Build(ratings, globalRows.Length, byUser: true));
    }

    /// <summary>
    /// The ranking model's rows, laid out as <see cref="Bind"/>'s: each interacted pair once with its aggregated
    /// weight (values), in the order the pair first appears, exactly as <see cref="InteractionDataset.Build"/> does.
    /// </summary>
    public ShardRows BindInteractions(IdMap users, IdMap items, InteractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (localRow, globalRows, columnMap) = Layout(users, items);
        var aggregator = new InteractionAggregator(options);
        foreach (var r in _all) aggregator.Add(localRow[RowId(r)], IndexIn(columnMap, ColumnId(r)), r.Value, r.Kind);
        return new ShardRows(Side, globalRows, SparseRows.Build(aggregator.ToInteractions(), globalRows.Length, byUser: true));
    }

    /// <summary>
    /// Decayed interaction counts of the owned ids (meaningful for the item side), parallel to <see cref="OwnedIds"/>,
    /// as of this shard's newest interaction; <see cref="ItemPopularity.Merge"/> brings the shards to one reference.
    /// </summary>
    public ShardPopularity Popularity(InteractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var owned = OwnedIds();
        var local = new Dictionary<string, int>(owned.Length, StringComparer.Ordinal);
        for (var j = 0; j < owned.Length; j++) local.Add(owned[j].Id, j);
        var accumulator = new PopularityAccumulator(owned.Length, options.PopularityHalfLifeSeconds);
        foreach (var r in _all)
            if (InteractionDataset.IsInteraction(new InteractionEntry(0, 0, r.Value, r.Timestamp, r.Kind), options))
                accumulator.Add(local[RowId(r)], r.Timestamp);
        return new ShardPopularity(accumulator.ScoresAt(accumulator.MaxTimestamp), accumulator.MaxTimestamp);
    }

    private (Dictionary<string, int> LocalRow, int[] GlobalRows, IdMap ColumnMap) Layout(IdMap users, IdMap items)
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
        return (localRow, globalRows, columnMap);
    }

    private string RowId(in SequencedRating r) => Side == ShardSide.Users ? r.User : r.Item;

    private string ColumnId(in SequencedRating r) => Side == ShardSide.Users ? r.Item : r.User;

    private static int IndexIn(IdMap map, string id) =>
        map.TryGetIndex(id, out var index) ? index : throw new InvalidOperationException($"Id '{id}' is missing from the retrain's id map.");

    // Latest rating per pair (and, when asked, every event) in sequence order.
    private List<SequencedRating> Deduplicate(bool includeEvents)
    {
        if (_events == 0 && _latestRatingByPair.Count == _all.Count) return _all;
        var result = new List<SequencedRating>(_latestRatingByPair.Count + (includeEvents ? _events : 0));
        for (var i = 0; i < _all.Count; i++)
        {
            var r = _all[i];
            if (r.Kind == LogEntryKind.Event ? includeEvents : _latestRatingByPair[(r.User, r.Item)] == i) result.Add(r);
        }
        return result;
    }
}

/// <summary>A shard's decayed interaction counts per owned item (parallel to its owned ids) as of <see cref="ReferenceTimestamp"/>.</summary>
public sealed record ShardPopularity(double[] Scores, long ReferenceTimestamp);
