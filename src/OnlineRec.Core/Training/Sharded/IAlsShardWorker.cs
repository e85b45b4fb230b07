using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>
/// What a shard reports after loading its ratings: the ids it owns on each side, its part of μ, and (when it serves
/// the ranking model too) the decayed popularity of the items it owns, parallel to <see cref="Items"/>.
/// </summary>
public sealed record ShardSummary(ShardId[] Users, ShardId[] Items, double ValueSum, long Ratings, ShardPopularity? ItemPopularity = null);

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

/// <summary>
/// A shard that also solves the ranking model's rows (implicit ALS) over the same log read: after Prepare and Bind it
/// answers <see cref="SolveImplicitAsync"/> per half-step of the ranking model.
/// </summary>
public interface IImplicitShardWorker : IAlsShardWorker
{
    /// <summary>Solves the shard's implicit rows of <paramref name="side"/> given the other side and its Gram matrix.</summary>
    Task<ShardSolution> SolveImplicitAsync(ShardSide side, ImplicitFixedSide fixedSide, CancellationToken cancellationToken);
}

/// <summary>
/// An in-process shard over log entries already in memory (tests, benchmarks, a single silo without grains). With
/// <paramref name="implicitOptions"/> it also serves the ranking model (interaction rows, item popularity).
/// </summary>
public sealed class LocalAlsShard(ShardRatings users, ShardRatings items, AlsRowSettings settings, int maxDegreeOfParallelism = -1,
    Implicit.ImplicitOptions? implicitOptions = null) : IImplicitShardWorker
{
    private ShardRows? _userRows;
    private ShardRows? _itemRows;
    private ShardRows? _userInteractions;
    private ShardRows? _itemInteractions;

    public Task<ShardSummary> PrepareAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ShardSummary(users.OwnedIds(), items.OwnedIds(), users.ValueSum, users.Count,
            implicitOptions is null ? null : items.Popularity(implicitOptions.Interactions)));

    public Task BindAsync(IdMap userMap, IdMap itemMap, CancellationToken cancellationToken)
    {
        _userRows = users.Bind(userMap, itemMap);
        _itemRows = items.Bind(userMap, itemMap);
        if (implicitOptions is not null)
        {
            _userInteractions = users.BindInteractions(userMap, itemMap, implicitOptions.Interactions);
            _itemInteractions = items.BindInteractions(userMap, itemMap, implicitOptions.Interactions);
        }
        return Task.CompletedTask;
    }

    public Task<ShardSolution> SolveAsync(ShardSide side, FixedSide fixedSide, CancellationToken cancellationToken)
    {
        var rows = (side == ShardSide.Users ? _userRows : _itemRows) ?? throw new InvalidOperationException("Bind the shard first.");
        return Task.FromResult(rows.Solve(fixedSide, settings, maxDegreeOfParallelism));
    }

    public Task<ShardSolution> SolveImplicitAsync(ShardSide side, ImplicitFixedSide fixedSide, CancellationToken cancellationToken)
    {
        var options = implicitOptions ?? throw new InvalidOperationException("This shard was built without implicit options.");
        var rows = (side == ShardSide.Users ? _userInteractions : _itemInteractions) ?? throw new InvalidOperationException("Bind the shard first.");
        return Task.FromResult(rows.SolveImplicit(fixedSide, options.RowSettings, maxDegreeOfParallelism));
    }

    /// <summary>
    /// Splits log entries (in sequence order) into <paramref name="shardCount"/> in-process shards with
    /// <paramref name="shardOf"/> deciding a user's or an item's shard.
    /// </summary>
    public static LocalAlsShard[] Partition(IEnumerable<SequencedRating> ratings, int shardCount, Func<string, int> shardOf,
        AlsRowSettings settings, int maxDegreeOfParallelism = -1, Implicit.ImplicitOptions? implicitOptions = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var users = Enumerable.Range(0, shardCount).Select(_ => new ShardRatings(ShardSide.Users)).ToArray();
        var items = Enumerable.Range(0, shardCount).Select(_ => new ShardRatings(ShardSide.Items)).ToArray();
        foreach (var r in ratings)
        {
            users[shardOf(r.User)].Add(r);
            items[shardOf(r.Item)].Add(r);
        }
        return Enumerable.Range(0, shardCount)
            .Select(s => new LocalAlsShard(users[s], items[s], settings, maxDegreeOfParallelism, implicitOptions)).ToArray();
    }
}
