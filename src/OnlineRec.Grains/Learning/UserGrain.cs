using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// One user as an Orleans grain: the shell around its <see cref="UserLearner"/> (SGD steps, catch-up from the log,
/// model adoption). The grain adds what needs Orleans: the persisted state, written behind; publishing the learner's
/// row to this silo's <see cref="UserFactorReplica"/> after every change, and withdrawing it on deactivation; and
/// reads, answered from that same row by <see cref="ServingReads"/>, so the grain answers exactly as the replica does.
/// </summary>
public sealed class UserGrain(
    [PersistentState("user", GrainStorageNames.State)] IPersistentState<UserState> state,
    UserLearnerServices learning,
    UserFactorReplica replica,
    ServingReads reads,
    IOptions<LearningOptions> learningOptions,
    ILogger<UserGrain> logger) : Grain, IUserGrain, IUserLearnerListener
{
    private WriteBehind<UserState> _writeBehind = null!;
    private UserLearner _learner = null!;
    private UserRow? _published;

    // GetPrimaryKeyString decodes the grain id's UTF-8 into a new string on every call, and the learning path asks
    // several times per batch (publishing, the batch's user check): decode once per activation.
    private string? _id;
    private string Id => _id ??= this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind = new WriteBehind<UserState>(this, state, learningOptions.Value.WriteBehindInterval, logger,
            beforeWrite: () => _learner.PrepareForWrite());
        _learner = new UserLearner(Id, state.State, learning, this);
        return _learner.ActivateAsync(hasSavedState: state.RecordExists);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_published is not null) replica.Withdraw(Id, _published);
        return _writeBehind.FlushAsync();
    }

    public Task ApplyRatings(RatingMessage[] ratings) => _learner.ApplyAsync(ratings);

    public async Task<Prediction> Predict(string item) =>
        reads.PredictFromRow(await CurrentRowAsync(), Id, item);

    public async Task<PredictionAnswers> PredictMany(string[] items) =>
        reads.PredictFromRow(await CurrentRowAsync(), items);

    public async Task<ScoredItem[]> Recommend(int count) =>
        reads.RecommendFromRow(await CurrentRowAsync(), count);

    public async Task<FactorRow> GetFactors()
    {
        await _learner.EnsureCurrentVersionAsync();
        return _learner.Factors();
    }

    public Task<string[]> GetRatedItems() => Task.FromResult(_learner.RatedItems.ToArray());

    /// <summary>The published row once the user is on the installed version (every change publishes one).</summary>
    private async Task<UserRow> CurrentRowAsync()
    {
        await _learner.EnsureCurrentVersionAsync();
        return _published!;
    }

    void IUserLearnerListener.StateChanged() => _writeBehind.MarkDirty();

    void IUserLearnerListener.RowChanged()
    {
        _published = _learner.Row();
        replica.Publish(Id, _published);
    }
}
