using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Sharded;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Model;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.RatingLog;
using Orleans.Runtime;

namespace OnlineRec.Grains.Reconciliation;

[GenerateSerializer, Alias("onlinerec.reconciler-grain-state")]
public sealed class ReconcilerState
{
    [Id(0)] public RetrainReport? LastRetrain { get; set; }
}

/// <summary>
/// The cluster's one global retrainer. Snapshot the log at sequence S, train biased ALS warm-started from the
/// installed version with the row solves spread over <see cref="IAlsWorkerGrain"/> shards on the silos (each reads
/// its shard of the log itself; this grain only holds the factors, see <see cref="ShardedAlsTrainer"/>), store the
/// result as version V+1, install it (every silo's catalog picks it up; grains adopt
/// it lazily and replay their ratings after S), then nudge the users who rated after S so their replays happen now.
/// Reads are served from version V until each grain has adopted V+1. The solves run on the workers; between their
/// calls this grain only copies vectors, so status calls keep being answered during a retrain.
/// </summary>
public sealed class AlsReconcilerGrain(
    [PersistentState("reconciler", GrainStorageNames.State)] IPersistentState<ReconcilerState> state,
    IRatingLog ratingLog,
    IModelStore modelStore,
    ModelCatalog catalog,
    IOptions<ModelOptions> modelOptions,
    IOptions<ReconcilerOptions> reconcilerOptions,
    TimeProvider time,
    ILogger<AlsReconcilerGrain> logger) : Grain, IAlsReconcilerGrain, IRemindable
{
    private const string ReminderName = "periodic-retrain";
    private readonly ReconcilerOptions _options = reconcilerOptions.Value;
    private Task? _training;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_options.EveryNewRatings > 0)
            this.RegisterGrainTimer(static (self, _) => self.CheckCountTriggerAsync(), this,
                new GrainTimerCreationOptions(_options.CheckInterval, _options.CheckInterval) { Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task EnsureScheduled()
    {
        if (_options.Period is { } period && period > TimeSpan.Zero)
        {
            // Reminders have a one-minute floor; shorter periods (tests) also use the grain timer below.
            var reminderPeriod = period < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : period;
            await this.RegisterOrUpdateReminder(ReminderName, reminderPeriod, reminderPeriod);
            if (period < TimeSpan.FromMinutes(1))
                this.RegisterGrainTimer(static (self, _) => self.RequestRetrain("schedule"), this,
                    new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = true });
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == ReminderName ? RequestRetrain("schedule") : Task.CompletedTask;

    public Task<bool> RequestRetrain(string trigger)
    {
        if (_training is { IsCompleted: false }) return Task.FromResult(false);
        _training = RunRetrainAsync(trigger);
        return Task.FromResult(true);
    }

    public async Task<ModelStatus> GetStatus()
    {
        var stats = await ratingLog.GetStatsAsync();
        var status = _training is { IsCompleted: false } ? ReconcilerStatus.Training : ReconcilerStatus.Idle;
        var installed = catalog.Current;
        return new ModelStatus(installed.Version, stats.Count, stats.DistinctUsers, stats.DistinctItems, status, state.State.LastRetrain, installed.GlobalMean);
    }

    private async Task CheckCountTriggerAsync()
    {
        if (_training is { IsCompleted: false } || _options.EveryNewRatings <= 0) return;
        var last = await ratingLog.GetLastSequenceAsync();
        var trainedThrough = state.State.LastRetrain?.SnapshotSequence ?? 0;
        if (last - trainedThrough >= _options.EveryNewRatings) await RequestRetrain("rating-count");
    }

    private async Task RunRetrainAsync(string trigger)
    {
        var started = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        RetrainReport report;
        try
        {
            report = await RetrainAsync(trigger, started, watch);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Retrain ({Trigger}) failed; version {Version} stays installed.", trigger, catalog.Current.Version);
            report = new RetrainReport(catalog.Current.Version, 0, 0, 0, 0, "als", watch.Elapsed.TotalSeconds, double.NaN, trigger,
                started, time.GetUtcNow(), ex.Message);
        }
        state.State.LastRetrain = report;
        await state.WriteStateAsync();
    }

    private async Task<RetrainReport> RetrainAsync(string trigger, DateTimeOffset started, Stopwatch watch)
    {
        var installed = await catalog.RefreshAsync();
        var snapshotSequence = await ratingLog.GetLastSequenceAsync();
        var previous = installed.Model;
        if (snapshotSequence == 0)
            return new RetrainReport(installed.Version, snapshotSequence, 0, 0, 0, "als", watch.Elapsed.TotalSeconds, double.NaN, trigger,
                started, time.GetUtcNow(), "the rating log is empty; nothing to train");

        var alsOptions = AlsOptionsFor(modelOptions.Value, _options);
        var shardCount = await ShardCountAsync();
        var retrainId = Guid.NewGuid();
        var assignment = new AlsShardAssignment(retrainId, snapshotSequence, shardCount, new AlsSolveSettings(alsOptions.Factors,
            alsOptions.FactorLambda, alsOptions.BiasLambda, (int)alsOptions.FactorScaling, (int)alsOptions.BiasScaling, alsOptions.MaxDegreeOfParallelism));
        var workers = Enumerable.Range(0, shardCount).Select(w => GrainFactory.GetGrain<IAlsWorkerGrain>(w)).ToArray();
        var shards = workers.Select((worker, w) => (IAlsShardWorker)new TimeBoundShard(new WorkerGrainShard(worker, assignment),
            _options.WorkerCallTimeout, $"ALS shard {w}/{shardCount}")).ToArray();
        logger.LogInformation("Retrain {Retrain} ({Trigger}): snapshot at sequence {Sequence}, {Shards} shards.", retrainId, trigger, snapshotSequence, shardCount);

        // Warm start from the installed version: the coordinator extends its id maps, so rows line up.
        ShardedTrainingResult result;
        try
        {
            result = await new ShardedAlsTrainer(alsOptions).TrainAsync(shards, previous?.Factors == alsOptions.Factors ? previous : null);
        }
        finally
        {
            await ReleaseWorkersAsync(workers, retrainId);
        }
        var model = result.Model;
        if (!model.IsFinite()) throw new TrainingDivergedException("ALS produced non-finite factors; not installing them.");
        var trainRmse = result.TrainRmse;

        var version = installed.Version + 1;
        var metadata = $$"""{"algorithm":"als","trigger":"{{trigger}}","ratings":{{result.Ratings}},"shards":{{shardCount}},"trainRmse":{{trainRmse.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}}""";
        await modelStore.SaveAsync(new ModelSnapshot(version, time.GetUtcNow(), snapshotSequence, metadata, model));
        await catalog.RefreshAsync();
        logger.LogInformation("Installed model version {Version}: {Ratings} ratings through sequence {Sequence} on {Shards} shards, train RMSE {Rmse:F4}, {Seconds:F2}s.",
            version, result.Ratings, snapshotSequence, shardCount, trainRmse, watch.Elapsed.TotalSeconds);

        var replayed = await NudgeUsersAfterAsync(snapshotSequence);
        logger.LogInformation("Version {Version}: {Users} users with ratings after the snapshot replayed them.", version, replayed);
        return new RetrainReport(version, snapshotSequence, result.Ratings, model.UserCount, model.ItemCount, "als",
            watch.Elapsed.TotalSeconds, trainRmse, trigger, started, time.GetUtcNow(), null);
    }

    /// <summary>The reconciler's ALS options: the model's factor count and init, the configured sweeps and penalties.</summary>
    internal static AlsOptions AlsOptionsFor(ModelOptions model, ReconcilerOptions reconciler)
    {
        var defaults = new AlsOptions();
        return defaults with
        {
            Factors = model.Factors,
            Iterations = reconciler.Iterations ?? defaults.Iterations,
            FactorLambda = reconciler.Regularization ?? defaults.FactorLambda,
            BiasLambda = reconciler.BiasRegularization ?? defaults.BiasLambda,
            InitStd = model.InitialStd,
            MaxDegreeOfParallelism = reconciler.MaxDegreeOfParallelism <= 0 ? -1 : reconciler.MaxDegreeOfParallelism,
        };
    }

    private async Task<int> ShardCountAsync()
    {
        if (_options.Shards > 0) return _options.Shards;
        var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return Math.Max(1, hosts.Count);
    }

    // Workers drop the retrain's data whether it succeeded or not; one that is gone (its silo died) has nothing to drop.
    private async Task ReleaseWorkersAsync(IAlsWorkerGrain[] workers, Guid retrainId)
    {
        try
        {
            await Task.WhenAll(workers.Select(w => w.Finish(retrainId))).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Some ALS workers of retrain {Retrain} did not release their shard; idle collection will.", retrainId);
        }
    }

    /// <summary>Users who rated after the snapshot adopt the new version now (their replay re-applies those ratings).</summary>
    private async Task<int> NudgeUsersAfterAsync(long snapshotSequence)
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var r in ratingLog.ReadRangeAsync(snapshotSequence, long.MaxValue)) users.Add(r.User);
        foreach (var chunk in users.Chunk(256))
            await Task.WhenAll(chunk.Select(u => GrainFactory.GetGrain<IUserGrain>(u).GetFactors()));
        return users.Count;
    }
}
