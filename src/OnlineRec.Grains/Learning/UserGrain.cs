using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// Holds one user's bias, latent vector and rated items, and drives the SGD step for each of the user's ratings.
/// Catch-up rule: the rating log is the truth. On activation and whenever a new model version is installed the
/// grain re-derives its state: version row (or seeded draw) + every logged rating after the version's snapshot
/// sequence, in sequence order. Ratings are recognised by sequence, so stream redeliveries are harmless. What the user
/// rated is rebuilt from the log on every activation; the persisted state names only which of the ratings after the
/// snapshot its vector already includes.
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", GrainStorageNames.State)] IPersistentState<UserState> state,
    ModelCatalog catalog,
    ItemFactorIndex itemIndex,
    UserFactorReplica userReplica,
    IRatingLog ratingLog,
    GrainReferenceCache<IItemGrain> items,
    LearningProgress progress,
    IOptions<ModelOptions> modelOptions,
    IOptions<LearningOptions> learningOptions,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private readonly ModelOptions _options = modelOptions.Value;
    private readonly SgdStepParameters _step = modelOptions.Value.StepParameters();
    private readonly RatingScale _scale = modelOptions.Value.ParsedScale();
    private WriteBehind<UserState> _writeBehind = null!;
    private Task? _synchronizing;
    private UserRow? _published;
    // Every item the user rated, with its latest sequence: seen-item exclusion and skipping by sequence.
    private readonly Dictionary<string, RatedItem> _rated = new(StringComparer.Ordinal);
    private AppendOnlyIds _ratedIds = new(); // _rated's keys, in an array the published rows share (see PublishRow)

    // GetPrimaryKeyString decodes the grain id's UTF-8 into a new string on every call, and the learning path asks
    // several times per rating (replica and broadcaster keys, the batch's user check): decode once per activation.
    private string? _id;
    private string Id => _id ??= this.GetPrimaryKeyString();
    private UserState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind = new WriteBehind<UserState>(this, state, learningOptions.Value.WriteBehindInterval, logger,
            beforeWrite: () => S.AppliedAfterBase = AppliedSequences.Encode(AppliedAfterBase()));
        await CatchUpFromLogAsync(adopt: !state.RecordExists || S.Vector.Length != _options.Factors || S.ModelVersion < catalog.Current.Version,
            applied: SavedAppliedSequences());
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_published is not null) userReplica.Withdraw(Id, _published);
        return _writeBehind.FlushAsync();
    }

    public async Task ApplyRatings(RatingMessage[] ratings)
    {
        try
        {
            await EnsureCurrentVersionAsync();
            foreach (var rating in ratings)
            {
                if (!string.Equals(rating.User, Id, StringComparison.Ordinal)) continue;
                await ApplyAsync(rating.Item, rating.Value, rating.Sequence);
            }
        }
        finally
        {
            PublishRow();
        }
    }

    /// <summary>Shows this silo's batched reads the state after a completed batch, catch-up or adoption.</summary>
    /// <remarks>
    /// The rated ids are a view of <see cref="_ratedIds"/>, not a copy: between adoptions a user's rated items only
    /// grow, so each row sees its own prefix of one shared array, and a heavy user's batch does not copy everything it
    /// ever rated. Every change to _rated goes through <see cref="Remember"/> or an adoption's reset; the count check
    /// rebuilds the ids should one ever bypass them.
    /// </remarks>
    private void PublishRow()
    {
        if (_ratedIds.Count != _rated.Count) _ratedIds = new AppendOnlyIds(_rated.Keys);
        _published = new UserRow(S.Bias, (float[])S.Vector.Clone(), IsKnown, S.ModelVersion, _ratedIds.Snapshot());
        userReplica.Publish(Id, _published);
    }

    private void Remember(string item, RatedItem rated)
    {
        if (!_rated.ContainsKey(item)) _ratedIds.Add(item);
        _rated[item] = rated;
    }

    /// <summary>A rating the vector now includes (applied, or refused as non-finite: either way it is done).</summary>
    private void Took(string item, float value, long sequence)
    {
        Remember(item, new RatedItem(value, sequence));
        _writeBehind.MarkDirty();
        progress.Applied();
    }

    /// <summary>
    /// The ratings after the snapshot that the vector includes, derived from what the user rated: every remembered
    /// rating after the snapshot was applied (catch-up remembers only those, a step only once taken). An older rating
    /// of an item that a later one superseded is not listed, and need not be: catch-up remembers the later one first
    /// and then skips the older as superseded.
    /// </summary>
    private IEnumerable<long> AppliedAfterBase()
    {
        foreach (var rated in _rated.Values)
            if (rated.Sequence > S.BaseSequence) yield return rated.Sequence;
    }

    /// <summary>What the saved state says the vector includes; state written by older builds held its rated items.</summary>
    private HashSet<long> SavedAppliedSequences()
    {
        if (S.LegacyRated is not { Count: > 0 } legacy)
        {
            S.LegacyRated ??= new(StringComparer.Ordinal); // null only if a peer wrote it so: keep writing it empty
            return [.. AppliedSequences.Decode(S.AppliedAfterBase)];
        }
        S.LegacyRated = new(StringComparer.Ordinal);
        _writeBehind.MarkDirty();
        return legacy.Values.Where(r => r.Sequence > S.BaseSequence).Select(r => r.Sequence).ToHashSet(); // same rule
    }

    public async Task<Prediction> Predict(string item)
    {
        await EnsureCurrentVersionAsync();
        return new Prediction(Id, item, Score(item), S.ModelVersion);
    }

    public async Task<float[]> PredictMany(string[] items)
    {
        await EnsureCurrentVersionAsync();
        var scores = new float[items.Length];
        for (var i = 0; i < items.Length; i++) scores[i] = Score(items[i]);
        return scores;
    }

    public async Task<ScoredItem[]> Recommend(int count)
    {
        await EnsureCurrentVersionAsync();
        return PredictionFormula.Recommend(catalog.Current.GlobalMean, IsKnown, S.Bias, S.Vector, _rated.Keys, count, itemIndex, _scale);
    }

    public async Task<FactorRow> GetFactors()
    {
        await EnsureCurrentVersionAsync();
        return new FactorRow(S.Bias, (float[])S.Vector.Clone(), S.StepsApplied, S.ModelVersion);
    }

    public Task<string[]> GetRatedItems() => Task.FromResult(_rated.Keys.ToArray());

    /// <summary>A user is "known" once it has rated something or appears in the installed model.</summary>
    private bool IsKnown => S.InModel || _rated.Count > 0;

    private float Score(string item) =>
        PredictionFormula.Score(catalog.Current.GlobalMean, IsKnown, S.Bias, S.Vector, itemIndex, item, _scale);

    /// <summary>One SGD step for (this user, item): the item computes e and applies its half, we apply ours.</summary>
    private async Task ApplyAsync(string item, float value, long sequence)
    {
        if (_rated.TryGetValue(item, out var seen) && seen.Sequence >= sequence) return; // applied or superseded
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // The vector is passed without a copy: the request is [Immutable], the item reads it before it answers, and
            // we change S.Vector only after the answer (this grain is not reentrant).
            var request = new ItemStepRequest(S.ModelVersion, sequence, value, S.Bias, S.Vector);
            ItemStepResult result;
            try
            {
                result = await items.Get(item).Step(request);
            }
            catch
            {
                // A timed-out call may still be running on the item (same silo: it holds our array). Give it the array
                // for good, so our next step does not change the vector under it.
                S.Vector = (float[])S.Vector.Clone();
                throw;
            }
            switch (result.Outcome)
            {
                case ItemStepOutcome.Applied:
                    S.Bias = SgdKernel.StepBias(S.Bias, result.Error, _step);
                    SgdKernel.ApplyErrorOneSide(S.Vector, result.OldItemVector, result.Error, _step.LearningRate, _step.FactorRegularization);
                    S.StepsApplied++;
                    Took(item, value, sequence);
                    return;
                case ItemStepOutcome.RejectedNonFinite:
                    logger.LogWarning("SGD step for user {User}, item {Item}, sequence {Sequence} refused: non-finite result.", Id, item, sequence);
                    Took(item, value, sequence);
                    return;
                case ItemStepOutcome.StaleModelVersion:
                    // A newer version is installed: adopt it (which replays this rating too if it is after the snapshot).
                    await catalog.EnsureVersionAsync(result.ModelVersion);
                    await CatchUpFromLogAsync(adopt: true);
                    if (_rated.TryGetValue(item, out seen) && seen.Sequence >= sequence) return;
                    break;
            }
        }
        logger.LogWarning("Gave up applying user {User}, item {Item}, sequence {Sequence} after repeated model version changes.", Id, item, sequence);
    }

    private Task EnsureCurrentVersionAsync()
    {
        if (S.ModelVersion >= catalog.Current.Version && S.Vector.Length == _options.Factors) return Task.CompletedTask;
        // Read-only calls interleave: share one adoption instead of racing several.
        return _synchronizing ??= AdoptOnceAsync();

        async Task AdoptOnceAsync()
        {
            try
            {
                await CatchUpFromLogAsync(adopt: true);
            }
            finally
            {
                _synchronizing = null;
            }
        }
    }

    /// <summary>
    /// Re-derives state from the log. adopt=true: take the installed version's row (or the seeded draw), then replay
    /// every logged rating after the version's snapshot sequence. adopt=false (activation with current persisted
    /// state): apply only the logged ratings after the snapshot that are not in <paramref name="applied"/>.
    /// </summary>
    private async Task CatchUpFromLogAsync(bool adopt, IReadOnlySet<long>? applied = null)
    {
        var model = catalog.Current;
        if (adopt)
        {
            if (model.TryGetUserRow(Id, out var bias, out var vector) && vector.Length == _options.Factors)
            {
                S.Bias = bias;
                S.Vector = vector.ToArray();
                S.InModel = true;
            }
            else
            {
                S.Bias = 0;
                S.Vector = FactorInitializer.Create("user", Id, _options.Factors, _options.InitialStd);
                S.InModel = false;
            }
            S.ModelVersion = model.Version;
            S.BaseSequence = model.SnapshotSequence;
            applied = null; // the saved state's steps belong to the version being replaced
            _writeBehind.MarkDirty();
        }
        _rated.Clear();
        _ratedIds = new AppendOnlyIds(); // rows already published keep the old array

        var pending = new List<LoggedRating>();
        await foreach (var logged in ratingLog.ReadUserAsync(Id, afterSequence: 0))
        {
            if (logged.Sequence <= S.BaseSequence || applied?.Contains(logged.Sequence) == true)
            {
                // Inside the installed solution or already in the vector: only remembered (seen-item exclusion, and
                // so that an older rating of the same item is skipped as superseded).
                if (!_rated.TryGetValue(logged.Item, out var seen) || seen.Sequence < logged.Sequence)
                    Remember(logged.Item, new RatedItem(logged.Value, logged.Sequence));
            }
            else
            {
                pending.Add(logged);
            }
        }
        pending.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var logged in pending) await ApplyAsync(logged.Item, logged.Value, logged.Sequence);
        PublishRow();
    }
}
