using Microsoft.Extensions.Logging;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Sharded;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Grains.Reconciliation;

/// <summary>
/// Shard w of a distributed ALS retrain: reads the ratings of the users and of the items that hash to w from the log
/// (on this silo, straight from storage), solves their rows when the reconciler sends the other side, and returns
/// them as one block. Holds one retrain's data at a time, keyed by its retrain id, and only for that retrain's life.
/// </summary>
[ShardSpreadPlacement]
public sealed class AlsWorkerGrain(IRatingLog ratingLog, ILogger<AlsWorkerGrain> logger) : Grain, IAlsWorkerGrain
{
    private Guid _retrainId;
    private AlsRowSettings _settings;
    private int _maxDegreeOfParallelism = -1;
    private ShardRatings? _userRatings;
    private ShardRatings? _itemRatings;
    private ShardRows? _userRows;
    private ShardRows? _itemRows;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public async Task<AlsShardSummary> Prepare(AlsShardAssignment assignment)
    {
        // A new retrain supersedes whatever an earlier (possibly abandoned) one left here.
        Clear();
        _retrainId = assignment.RetrainId;
        var s = assignment.Settings;
        _settings = new AlsRowSettings(s.Factors, SolveBias: true,
            new Regularization(s.FactorLambda, s.BiasLambda, (RegularizationScaling)s.FactorScaling, (RegularizationScaling)s.BiasScaling));
        _maxDegreeOfParallelism = s.MaxDegreeOfParallelism;

        var users = await LoadAsync(new RatingShard(ShardKey.User, Shard, assignment.ShardCount), assignment.SnapshotSequence, ShardSide.Users);
        var items = await LoadAsync(new RatingShard(ShardKey.Item, Shard, assignment.ShardCount), assignment.SnapshotSequence, ShardSide.Items);
        (_userRatings, _itemRatings) = (users, items);
        logger.LogInformation("ALS shard {Shard}/{Count} of retrain {Retrain}: {UserRatings} ratings by its users, {ItemRatings} of its items.",
            Shard, assignment.ShardCount, assignment.RetrainId, users.Count, items.Count);
        return new AlsShardSummary(ToWire(users.OwnedIds()), ToWire(items.OwnedIds()), users.ValueSum, users.Count);
    }

    public async Task Bind(AlsIdMaps maps)
    {
        Require(maps.RetrainId);
        var (userRatings, itemRatings) = (_userRatings ?? throw NotPrepared(), _itemRatings ?? throw NotPrepared());
        var (userRows, itemRows) = await Task.Run(() =>
        {
            var users = new IdMap(maps.Users);
            var items = new IdMap(maps.Items);
            return (userRatings.Bind(users, items), itemRatings.Bind(users, items));
        });
        Require(maps.RetrainId);
        (_userRows, _itemRows, _userRatings, _itemRatings) = (userRows, itemRows, null, null);
    }

    public Task<AlsRowBlock> SolveUsers(AlsFixedSide items) => SolveAsync(items, () => _userRows);

    public Task<AlsRowBlock> SolveItems(AlsFixedSide users) => SolveAsync(users, () => _itemRows);

    public Task Finish(Guid retrainId)
    {
        if (retrainId == _retrainId)
        {
            Clear();
            DeactivateOnIdle();
        }
        return Task.CompletedTask;
    }

    private async Task<AlsRowBlock> SolveAsync(AlsFixedSide fixedSide, Func<ShardRows?> rowsOf)
    {
        Require(fixedSide.RetrainId);
        var rows = rowsOf() ?? throw new InvalidOperationException($"ALS shard {Shard} was not bound for retrain {fixedSide.RetrainId}.");
        var settings = _settings;
        var dop = _maxDegreeOfParallelism;
        // CPU-bound for seconds: off the scheduler thread, so this silo's other grains keep being served.
        var solution = await Task.Run(() => rows.Solve(new FixedSide(fixedSide.Factors, fixedSide.Bias, fixedSide.GlobalMean), settings, dop));
        return new AlsRowBlock(solution.Rows, solution.Factors, solution.Bias, solution.FailedRows, solution.SquaredError, solution.Ratings);
    }

    private async Task<ShardRatings> LoadAsync(RatingShard shard, long snapshotSequence, ShardSide side)
    {
        var ratings = new ShardRatings(side);
        await foreach (var r in ratingLog.ReadShardAsync(shard, snapshotSequence))
            ratings.Add(new SequencedRating(r.Sequence, r.User, r.Item, r.Value));
        return ratings;
    }

    private void Require(Guid retrainId)
    {
        if (retrainId != _retrainId)
            throw new InvalidOperationException(
                $"ALS shard {Shard} holds retrain {_retrainId}, not {retrainId} (its silo restarted or a newer retrain took it over).");
    }

    private InvalidOperationException NotPrepared() => new($"ALS shard {Shard} has no data for retrain {_retrainId}.");

    private void Clear()
    {
        _retrainId = Guid.Empty;
        (_userRatings, _itemRatings, _userRows, _itemRows) = (null, null, null, null);
    }

    private static AlsShardIds ToWire(ShardId[] ids) => new(ids.Select(i => i.Id).ToArray(), ids.Select(i => i.FirstSeen).ToArray());
}
