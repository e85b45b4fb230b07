using Microsoft.Extensions.Logging;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Serving;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// One user's online learning, in plain code; <see cref="UserGrain"/> is its Orleans shell. The rating log is the
/// truth, and a rating is recognised by its log sequence:
/// <list type="bullet">
/// <item>Each new rating is one SGD step with the item (<see cref="IItemStepPort"/>): the user sends its old row, the
/// item answers the error and its old row, the user applies its half. A redelivered rating, or one superseded by a
/// later rating of the same item, is skipped.</item>
/// <item>Adopting a model version takes the version's row (or a seeded draw) and replays every logged rating after the
/// version's snapshot, in sequence order. An item already on a newer version answers "stale"; the user adopts that
/// version before it steps, so old and new factors never mix in one step.</item>
/// <item>An activation applies, in sequence order, the logged ratings after the snapshot that its saved state does not
/// include (<see cref="UserState.AppliedAfterBase"/>), and rebuilds what the user rated from the log.</item>
/// </list>
/// Per-user models are siblings here: <see cref="UserRatingFactors"/> is the rating model's row; another model adopts
/// and learns beside it from the same ratings. One caller at a time (a grain turn), except that concurrent
/// <see cref="EnsureCurrentVersionAsync"/> calls (interleaving reads) share one adoption.
/// </summary>
public sealed class UserLearner
{
    private const int MaxStepAttempts = 3;
    private readonly string _user;
    private readonly UserState _state;
    private readonly UserLearnerServices _services;
    private readonly IUserLearnerListener _listener;
    private readonly UserRatingFactors _ratingModel;
    private readonly RatedItems _rated = new();
    private Task? _adopting;

    public UserLearner(string user, UserState state, UserLearnerServices services, IUserLearnerListener listener)
    {
        _user = user;
        _state = state;
        _services = services;
        _listener = listener;
        _ratingModel = new UserRatingFactors(user, state, services.Options);
    }

    public IReadOnlyCollection<string> RatedItems => _rated.Items;

    /// <summary>A user is "known" once it has rated something or appears in the installed model.</summary>
    public bool IsKnown => _state.InModel || _rated.Count > 0;

    private bool IsBehind => _state.ModelVersion < _services.Models.Current.Version || !_ratingModel.HasRow;

    /// <summary>Catches up from the log on activation: adopts if there is no saved state or it is behind.</summary>
    public Task ActivateAsync(bool hasSavedState) =>
        CatchUpAsync(adopt: !hasSavedState || IsBehind, applied: AppliedSequences.Decode(_state.AppliedAfterBase).ToHashSet());

    /// <summary>Steps this user's ratings in the order given (others' are ignored); the row changes once, at the end.</summary>
    public async Task ApplyAsync(IReadOnlyList<RatingMessage> ratings)
    {
        try
        {
            await EnsureCurrentVersionAsync();
            foreach (var rating in ratings)
                if (string.Equals(rating.User, _user, StringComparison.Ordinal)) await StepAsync(rating.Item, rating.Value, rating.Sequence);
        }
        finally
        {
            _listener.RowChanged();
        }
    }

    /// <summary>Adopts the installed version if the user is behind it.</summary>
    public Task EnsureCurrentVersionAsync()
    {
        if (!IsBehind) return Task.CompletedTask;
        if (_adopting is { } running) return running;
        var adopting = AdoptOnceAsync();
        if (!adopting.IsCompleted) _adopting = adopting; // a synchronously finished one must not stay behind as "running"
        return adopting;

        async Task AdoptOnceAsync()
        {
            try
            {
                await CatchUpAsync(adopt: true, applied: null);
            }
            finally
            {
                _adopting = null;
            }
        }
    }

    /// <summary>The row reads are answered from; a new object each time, with its own copy of the vector.</summary>
    public UserRow Row() => new(_state.Bias, (float[])_state.Vector.Clone(), IsKnown, _state.ModelVersion, _rated.Snapshot());

    public FactorRow Factors() => new(_state.Bias, (float[])_state.Vector.Clone(), _state.StepsApplied, _state.ModelVersion);

    /// <summary>
    /// Brings the derived field of the state up to date before it is written: the ratings after the snapshot that the
    /// vector includes. Every remembered rating after the snapshot was taken (catch-up remembers only those, a step
    /// only once taken). An older rating of an item that a later one superseded is not listed, and need not be:
    /// catch-up remembers the later one first and then skips the older as superseded.
    /// </summary>
    public void PrepareForWrite() => _state.AppliedAfterBase = AppliedSequences.Encode(_rated.SequencesAfter(_state.BaseSequence));

    private async Task StepAsync(string item, float value, long sequence)
    {
        if (_rated.Covers(item, sequence)) return; // applied or superseded
        for (var attempt = 0; attempt < MaxStepAttempts; attempt++)
        {
            ItemStepResult result;
            try
            {
                result = await _services.Items.StepAsync(item, _ratingModel.Request(sequence, value));
            }
            catch
            {
                _ratingModel.GiveAwayVector();
                throw;
            }
            switch (result.Outcome)
            {
                case ItemStepOutcome.Applied:
                    _ratingModel.Apply(result);
                    Took(item, value, sequence);
                    return;
                case ItemStepOutcome.RejectedNonFinite:
                    _services.Logger.LogWarning("SGD step for user {User}, item {Item}, sequence {Sequence} refused: non-finite result.", _user, item, sequence);
                    Took(item, value, sequence); // done either way: re-stepping it would be refused again
                    return;
                case ItemStepOutcome.StaleModelVersion when result.ModelVersion > _state.ModelVersion:
                    // Adopting replays this rating too if it is logged after the new snapshot.
                    await _services.Models.EnsureVersionAsync(result.ModelVersion);
                    await CatchUpAsync(adopt: true, applied: null);
                    if (_rated.Covers(item, sequence)) return;
                    break;
                case ItemStepOutcome.StaleModelVersion:
                    // The item could not install our version (its silo refused it): adopting again would not help.
                    _services.Logger.LogWarning("Item {Item} is on model version {ItemVersion}, behind user {User} on {UserVersion}; sequence {Sequence} not stepped.",
                        item, result.ModelVersion, _user, _state.ModelVersion, sequence);
                    return;
            }
        }
        _services.Logger.LogWarning("Gave up applying user {User}, item {Item}, sequence {Sequence} after repeated model version changes.", _user, item, sequence);
    }

    private void Took(string item, float value, long sequence)
    {
        _rated.Remember(item, value, sequence);
        _listener.StateChanged();
        _services.Progress.Applied();
    }

    /// <summary>
    /// Re-derives the user from the log. adopt: take the installed version's row, then replay every logged rating
    /// after its snapshot. Otherwise apply only the logged ratings after the snapshot that are not in
    /// <paramref name="applied"/>.
    /// </summary>
    private async Task CatchUpAsync(bool adopt, IReadOnlySet<long>? applied)
    {
        if (adopt)
        {
            var model = _services.Models.Current;
            _ratingModel.Adopt(model);
            _state.ModelVersion = model.Version;
            _state.BaseSequence = model.SnapshotSequence;
            applied = null; // the saved state's steps belong to the version being replaced
            _listener.StateChanged();
        }
        _rated.Clear();
        var pending = new List<LoggedRating>();
        await foreach (var logged in _services.History.ReadUserAsync(_user))
        {
            // Inside the version's solution or already in the vector: only remembered (seen-item exclusion, and so
            // that an older rating of the same item is skipped as superseded).
            if (logged.Sequence <= _state.BaseSequence || applied?.Contains(logged.Sequence) == true)
                _rated.Remember(logged.Item, logged.Value, logged.Sequence);
            else
                pending.Add(logged);
        }
        pending.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var logged in pending) await StepAsync(logged.Item, logged.Value, logged.Sequence);
        _listener.RowChanged();
    }
}
