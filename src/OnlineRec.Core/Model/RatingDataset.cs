namespace OnlineRec.Core.Model;

/// <summary>
/// A set of ratings over dense user/item indices, with compressed sparse rows by user and by item
/// (built lazily, once) for ALS-style row solves. Timestamps are kept in rating order when known.
/// </summary>
public sealed class RatingDataset
{
    private SparseRows? _byUser;
    private SparseRows? _byItem;

    public RatingDataset(IdMap users, IdMap items, Rating[] ratings, long[]? timestamps = null)
    {
        if (timestamps is not null && timestamps.Length != ratings.Length)
            throw new ArgumentException("One timestamp per rating is required.", nameof(timestamps));
        Users = users;
        Items = items;
        Ratings = ratings;
        Timestamps = timestamps;
    }

    public IdMap Users { get; }
    public IdMap Items { get; }
    public Rating[] Ratings { get; }
    public long[]? Timestamps { get; }
    public int Count => Ratings.Length;

    /// <summary>Mean of all rating values (0 for an empty set).</summary>
    public float GlobalMean
    {
        get
        {
            if (Ratings.Length == 0) return 0f;
            double sum = 0;
            foreach (var r in Ratings) sum += r.Value;
            return (float)(sum / Ratings.Length);
        }
    }

    /// <summary>Ratings grouped by user: row u lists (item, value).</summary>
    public SparseRows ByUser => _byUser ??= SparseRows.Build(Ratings, Users.Count, byUser: true);

    /// <summary>Ratings grouped by item: row i lists (user, value).</summary>
    public SparseRows ByItem => _byItem ??= SparseRows.Build(Ratings, Items.Count, byUser: false);

    /// <summary>
    /// Builds a dataset from events, adding unseen ids to the given maps (or to new maps).
    /// Pass a model's maps to keep indices aligned with it for a warm start.
    /// </summary>
    public static RatingDataset FromEvents(IEnumerable<RatingEvent> events, IdMap? users = null, IdMap? items = null)
    {
        users ??= new IdMap();
        items ??= new IdMap();
        var ratings = new List<Rating>();
        var stamps = new List<long>();
        foreach (var e in events)
        {
            ratings.Add(new Rating(users.GetOrAdd(e.User), items.GetOrAdd(e.Item), e.Value));
            stamps.Add(e.Timestamp);
        }
        return new RatingDataset(users, items, ratings.ToArray(), stamps.ToArray());
    }

    /// <summary>
    /// Maps held-out events onto an existing training set's indices without growing its maps:
    /// ids the training set never saw get index −1 (cold start).
    /// </summary>
    public static RatingDataset MapOnto(IEnumerable<RatingEvent> events, IdMap users, IdMap items)
    {
        var ratings = new List<Rating>();
        var stamps = new List<long>();
        foreach (var e in events)
        {
            ratings.Add(new Rating(users.IndexOf(e.User), items.IndexOf(e.Item), e.Value));
            stamps.Add(e.Timestamp);
        }
        return new RatingDataset(users, items, ratings.ToArray(), stamps.ToArray());
    }
}

/// <summary>Compressed sparse rows: row r's entries are Columns/Values[Offsets[r]..Offsets[r+1]).</summary>
public sealed class SparseRows
{
    private SparseRows(int[] offsets, int[] columns, float[] values)
    {
        Offsets = offsets;
        Columns = columns;
        Values = values;
    }

    public int[] Offsets { get; }
    public int[] Columns { get; }
    public float[] Values { get; }
    public int RowCount => Offsets.Length - 1;

    public int RowLength(int row) => Offsets[row + 1] - Offsets[row];
    public ReadOnlySpan<int> RowColumns(int row) => Columns.AsSpan(Offsets[row], RowLength(row));
    public ReadOnlySpan<float> RowValues(int row) => Values.AsSpan(Offsets[row], RowLength(row));

    internal static SparseRows Build(Rating[] ratings, int rowCount, bool byUser)
    {
        var offsets = new int[rowCount + 1];
        foreach (var r in ratings)
        {
            var row = byUser ? r.User : r.Item;
            if ((uint)row >= (uint)rowCount) continue; // unknown (−1) ids have no row
            offsets[row + 1]++;
        }
        for (var i = 0; i < rowCount; i++) offsets[i + 1] += offsets[i];
        var fill = offsets.AsSpan(0, rowCount).ToArray();
        var columns = new int[offsets[rowCount]];
        var values = new float[offsets[rowCount]];
        foreach (var r in ratings)
        {
            var row = byUser ? r.User : r.Item;
            if ((uint)row >= (uint)rowCount) continue;
            var at = fill[row]++;
            columns[at] = byUser ? r.Item : r.User;
            values[at] = r.Value;
        }
        return new SparseRows(offsets, columns, values);
    }
}
