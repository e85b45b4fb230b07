using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;
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
/// installed version, store the result as version V+1, install it (every silo's catalog picks it up; grains adopt
/// it lazily and replay their ratings after S), then nudge the users who rated after S so their replays happen now.
/// Reads are served from version V until each grain has adopted V+1. Training runs off the grain's turn.
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

        // Keep the installed version's id → row maps so the warm start lines up; new ids are appended.
        var users = previous?.Users.Clone() ?? new IdMap();
        var items = previous?.Items.Clone() ?? new IdMap();
        var events = new List<RatingEvent>();
        await foreach (var r in ratingLog.ReadRangeAsync(0, snapshotSequence)) events.Add(r.ToEvent());
        if (events.Count == 0)
            return new RetrainReport(installed.Version, snapshotSequence, 0, 0, 0, "als", watch.Elapsed.TotalSeconds, double.NaN, trigger,
                started, time.GetUtcNow(), "the rating log is empty; nothing to train");
        var data = RatingDataset.FromEvents(LatestPerPair(events), users, items);

        var defaults = new AlsOptions();
        var alsOptions = defaults with
        {
            Factors = modelOptions.Value.Factors,
            Iterations = _options.Iterations ?? defaults.Iterations,
            FactorLambda = _options.Regularization ?? defaults.FactorLambda,
            BiasLambda = _options.BiasRegularization ?? defaults.BiasLambda,
            InitStd = modelOptions.Value.InitialStd,
            MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism <= 0 ? -1 : _options.MaxDegreeOfParallelism,
        };
        // The solve is CPU-bound for seconds: keep it off the grain's turn so status calls still answer.
        var model = await Task.Run(() => new AlsTrainer(alsOptions).Train(data, previous?.Factors == alsOptions.Factors ? previous : null));
        if (!model.IsFinite()) throw new TrainingDivergedException("ALS produced non-finite factors; not installing them.");
        var trainRmse = Rmse(model, data);

        var version = installed.Version + 1;
        var metadata = $$"""{"algorithm":"als","trigger":"{{trigger}}","ratings":{{data.Count}},"trainRmse":{{trainRmse.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}}""";
        await modelStore.SaveAsync(new ModelSnapshot(version, time.GetUtcNow(), snapshotSequence, metadata, model));
        await catalog.RefreshAsync();
        logger.LogInformation("Installed model version {Version}: {Ratings} ratings through sequence {Sequence}, train RMSE {Rmse:F4}, {Seconds:F2}s.",
            version, data.Count, snapshotSequence, trainRmse, watch.Elapsed.TotalSeconds);

        var replayed = await NudgeUsersAfterAsync(snapshotSequence);
        logger.LogInformation("Version {Version}: {Users} users with ratings after the snapshot replayed them.", version, replayed);
        return new RetrainReport(version, snapshotSequence, data.Count, data.Users.Count, data.Items.Count, "als",
            watch.Elapsed.TotalSeconds, trainRmse, trigger, started, time.GetUtcNow(), null);
    }

    /// <summary>A re-rating supersedes the earlier rating of the same pair; ALS should see each pair once.</summary>
    private static IEnumerable<RatingEvent> LatestPerPair(List<RatingEvent> events)
    {
        var latest = new Dictionary<(string, string), int>();
        for (var i = 0; i < events.Count; i++) latest[(events[i].User, events[i].Item)] = i;
        if (latest.Count == events.Count) return events;
        return latest.Values.Order().Select(i => events[i]);
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

    private static double Rmse(MfModel model, RatingDataset data)
    {
        double sum = 0;
        foreach (var r in data.Ratings)
        {
            var e = r.Value - model.PredictRaw(r.User, r.Item);
            sum += e * e;
        }
        return Math.Sqrt(sum / Math.Max(1, data.Count));
    }
}
