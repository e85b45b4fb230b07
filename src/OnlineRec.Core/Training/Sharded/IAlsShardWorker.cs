using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>What a shard reports after loading its ratings: the ids it owns on each side and its part of μ.</summary>
public sealed record ShardSummary(ShardId[] Users, ShardId[] Items, double ValueSum, long Ratings);

/// <summary>
/// One shard of a sharded ALS retrain, as the coordinator sees it: a worker grain on some silo, or an in-process
/// shard (tests, benchmarks). Lifecycle: <see cref="PrepareAsync"/> once, <see cref="BindAsync"/> once, then
/// <see cref="SolveAsync"/> per half-step. Implementations own their timeouts; any failure throws.
/// </summary>
public interface IAlsShardWorker
{
    /// <summary>Loads the shard's ratings (the users it owns, and separately the items it owns).</summary>
    Task<ShardSummary> PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Lays the shard's rows out against the retrain's id maps (the same maps for every shard).</summary>
    Task BindAsync(IdMap users, IdMap items, CancellationToken cancellationToken);

    /// <summary>Solves the shard's rows of <paramref name="side"/> given the other side.</summary>
    Task<ShardSolution> SolveAsync(ShardSide side, FixedSide fixedSide, CancellationToken cancellationToken);
}

/// <summary>An in-process shard over ratings already in memory (tests, benchmarks, a single silo without grains).</summary>
public sealed class LocalAlsShard(ShardRatings users, ShardRatings items, AlsRowSettings settings, int maxDegreeOfParallelism = -1) : IAlsShardWorker
{
    private ShardRows? _userRows;
    private ShardRows? _itemRows;

    public Task<ShardSummary> PrepareAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ShardSummary(users.OwnedIds(), items.OwnedIds(), users.ValueSum, users.Count));

    public Task BindAsync(IdMap userMap, IdMap itemMap, CancellationToken cancellationToken)
    {
        _userRows = users.Bind(userMap, itemMap);
        _itemRows = items.Bind(userMap, itemMap);
        return Task.CompletedTask;
    }

    public Task<ShardSolution> SolveAsync(ShardSide side, FixedSide fixedSide, CancellationToken cancellationToken)
    {
        var rows = (side == ShardSide.Users ? _userRows : _itemRows) ?? throw new InvalidOperationException("Bind the shard first.");
        return Task.FromResult(rows.Solve(fixedSide, settings, maxDegreeOfParallelism));
    }

    /// <summary>
    /// Splits ratings (in sequence order) into <paramref name="shardCount"/> in-process shards with
    /// <paramref name="shardOf"/> deciding a user's or an item's shard.
    /// </summary>
    public static LocalAlsShard[] Partition(IEnumerable<SequencedRating> ratings, int shardCount, Func<string, int> shardOf,
        AlsRowSettings settings, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var users = Enumerable.Range(0, shardCount).Select(_ => new ShardRatings(ShardSide.Users)).ToArray();
        var items = Enumerable.Range(0, shardCount).Select(_ => new ShardRatings(ShardSide.Items)).ToArray();
        foreach (var r in ratings)
        {
            users[shardOf(r.User)].Add(r);
            items[shardOf(r.Item)].Add(r);
        }
        return Enumerable.Range(0, shardCount).Select(s => new LocalAlsShard(users[s], items[s], settings, maxDegreeOfParallelism)).ToArray();
    }
}
