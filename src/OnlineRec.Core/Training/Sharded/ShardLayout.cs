using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>
/// What every model of a sharded retrain shares once the shards have read the log: the id maps (the installed
/// version's, extended with new ids in first-appearance order — the order a single process would have assigned), each
/// shard's summary, and which global rows each shard solves. Built once per retrain by <see cref="PrepareAsync"/>
/// (Prepare, then Bind on every shard); the rating model (<see cref="ShardedAlsTrainer"/>) and the ranking model
/// (<see cref="ShardedImplicitTrainer"/>) then sweep over the same bound shards.
/// </summary>
public sealed class ShardLayout
{
    private readonly int[][] _userRows;
    private readonly int[][] _itemRows;

    private ShardLayout(IdMap users, IdMap items, ShardSummary[] summaries)
    {
        Users = users;
        Items = items;
        Summaries = summaries;
        _userRows = summaries.Select(s => s.Users.Select(id => users.IndexOf(id.Id)).ToArray()).ToArray();
        _itemRows = summaries.Select(s => s.Items.Select(id => items.IndexOf(id.Id)).ToArray()).ToArray();
    }

    public IdMap Users { get; }
    public IdMap Items { get; }
    public IReadOnlyList<ShardSummary> Summaries { get; }

    /// <summary>De-duplicated ratings over all shards (each rating is counted by the shard of its user).</summary>
    public long Ratings => Summaries.Sum(s => s.Ratings);

    /// <summary>Σ of those ratings' values, for μ.</summary>
    public double ValueSum => Summaries.Sum(s => s.ValueSum);

    /// <summary>Global indices of the rows shard <paramref name="shard"/> solves on <paramref name="side"/>, in the shard's row order.</summary>
    public int[] RowsOf(int shard, ShardSide side) => side == ShardSide.Users ? _userRows[shard] : _itemRows[shard];

    /// <summary>The items' popularity assembled from the item-side shards' parts (empty parts when they sent none).</summary>
    public ItemPopularity Popularity(double halfLifeDays) =>
        ItemPopularity.Merge(Items.Count, halfLifeDays, Summaries
            .Select((s, shard) => (Summary: s, Rows: _itemRows[shard]))
            .Where(p => p.Summary.ItemPopularity is not null)
            .Select(p => (p.Rows, p.Summary.ItemPopularity!.Scores, p.Summary.ItemPopularity.ReferenceTimestamp)));

    /// <summary>
    /// Prepares every shard, extends <paramref name="knownUsers"/>/<paramref name="knownItems"/> (the installed
    /// version's maps, or none) with the ids the shards report, and binds every shard to the resulting maps.
    /// </summary>
    public static async Task<ShardLayout> PrepareAsync(IReadOnlyList<IAlsShardWorker> shards, IdMap? knownUsers, IdMap? knownItems,
        CancellationToken cancellationToken = default)
    {
        if (shards.Count == 0) throw new ArgumentException("At least one shard is needed.", nameof(shards));
        var summaries = await Task.WhenAll(shards.Select(s => s.PrepareAsync(cancellationToken)));
        for (var s = 0; s < summaries.Length; s++)
            if (summaries[s].ItemPopularity is { } part && part.Scores.Length != summaries[s].Items.Length)
                throw new InvalidOperationException($"Shard {s} reported popularity for {part.Scores.Length} items but owns {summaries[s].Items.Length}.");

        var users = knownUsers?.Clone() ?? new IdMap();
        var items = knownItems?.Clone() ?? new IdMap();
        AppendNewIds(users, summaries.SelectMany(s => s.Users));
        AppendNewIds(items, summaries.SelectMany(s => s.Items));
        await Task.WhenAll(shards.Select(s => s.BindAsync(users, items, cancellationToken)));
        return new ShardLayout(users, items, summaries);
    }

    /// <summary>Ids not in the map yet, in the order a single process would have met them (first appearance).</summary>
    private static void AppendNewIds(IdMap map, IEnumerable<ShardId> owned)
    {
        foreach (var id in owned.Where(o => !map.TryGetIndex(o.Id, out _)).OrderBy(o => o.FirstSeen).ThenBy(o => o.Id, StringComparer.Ordinal))
            map.GetOrAdd(id.Id);
    }
}
