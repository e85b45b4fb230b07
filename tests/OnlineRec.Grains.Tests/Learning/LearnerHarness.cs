using Microsoft.Extensions.Logging.Abstractions;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Grains.Learning;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Grains.Tests.Learning;

/// <summary>
/// A user learner wired to plain objects instead of a silo: a model catalog whose versions the test installs, items
/// that are real <see cref="ItemLearner"/>s behind their own catalog (as on another silo), a log held in a list, and a
/// listener that counts. Every step request the items receive is recorded.
/// </summary>
internal sealed class LearnerHarness : IUserLearnerListener
{
    public static readonly ModelOptions Settings = new() { Factors = 12, InitialStd = 0.1f }; // 12: SIMD lanes and a scalar tail

    public LearnerHarness(string user = "u", UserState? state = null, InstalledModel? installed = null)
    {
        var first = installed ?? new InstalledModel(0, 0, 3f, null);
        UserModels = new Catalog(first);
        Items = new ItemSide(new Catalog(first));
        State = state ?? new UserState();
        Learner = new UserLearner(user, State, new UserLearnerServices(Settings, UserModels, Items, Log, Progress, NullLogger.Instance), this);
    }

    public UserState State { get; }
    public UserLearner Learner { get; }
    public Catalog UserModels { get; }
    public ItemSide Items { get; }
    public RatingLog Log { get; } = new();
    public LearningProgress Progress { get; } = new();
    public int StateChanges { get; private set; }
    public int RowChanges { get; private set; }

    /// <summary>A version every silo has installed.</summary>
    public void InstallEverywhere(InstalledModel version)
    {
        UserModels.Install(version);
        Items.Models.Install(version);
    }

    void IUserLearnerListener.StateChanged() => StateChanges++;

    void IUserLearnerListener.RowChanged() => RowChanges++;

    /// <summary>A model version with the given rows (k = <see cref="Settings"/>' factors).</summary>
    public static InstalledModel Version(int version, long snapshot, float globalMean,
        Dictionary<string, (float Bias, float[] Vector)>? users = null, Dictionary<string, (float Bias, float[] Vector)>? items = null)
    {
        users ??= [];
        items ??= [];
        var model = new MfModel(Settings.Factors, new IdMap(users.Keys), new IdMap(items.Keys), globalMean);
        var u = 0;
        foreach (var (bias, vector) in users.Values)
        {
            model.UserBias[u] = bias;
            vector.CopyTo(model.UserVector(u++));
        }
        var i = 0;
        foreach (var (bias, vector) in items.Values)
        {
            model.ItemBias[i] = bias;
            vector.CopyTo(model.ItemVector(i++));
        }
        return new InstalledModel(version, snapshot, globalMean, model);
    }

    public static float[] Filled(float value) => Enumerable.Repeat(value, Settings.Factors).ToArray();

    public static float[] Ramp(float scale) => Enumerable.Range(1, Settings.Factors).Select(i => i * scale).ToArray();

    /// <summary>The installed versions of one silo; <see cref="EnsureVersionAsync"/> installs a stored one it is asked for.</summary>
    public sealed class Catalog(InstalledModel current) : IModelCatalog
    {
        private readonly List<InstalledModel> _stored = [current];

        public InstalledModel Current { get; private set; } = current;

        /// <summary>Puts a version in the store without installing it (a silo that has not polled yet).</summary>
        public void Store(InstalledModel version) => _stored.Add(version);

        public void Install(InstalledModel version)
        {
            Store(version);
            Current = version;
        }

        public Task<InstalledModel> EnsureVersionAsync(int version, CancellationToken cancellationToken = default)
        {
            if (Current.Version < version) Current = _stored.Where(v => v.Version >= version).MinBy(v => v.Version) ?? Current;
            return Task.FromResult(Current);
        }
    }

    /// <summary>The items, each an <see cref="ItemLearner"/>, behind the protocol of <see cref="ItemGrain.Step"/>.</summary>
    public sealed class ItemSide(Catalog models) : IItemStepPort
    {
        private readonly Dictionary<string, ItemLearner> _items = new(StringComparer.Ordinal);

        public Catalog Models => models;

        public List<(string Item, ItemStepRequest Request, float[] UserVector, ItemStepOutcome Outcome)> Calls { get; } = [];

        public ItemLearner this[string item]
        {
            get
            {
                if (!_items.TryGetValue(item, out var learner))
                {
                    _items[item] = learner = new ItemLearner(item, new ItemState(), Settings, NullLogger.Instance);
                    learner.AdoptIfBehind(models.Current);
                }
                return learner;
            }
        }

        public async Task<ItemStepResult> StepAsync(string item, ItemStepRequest request)
        {
            var model = request.ModelVersion > models.Current.Version ? await models.EnsureVersionAsync(request.ModelVersion) : models.Current;
            var learner = this[item];
            learner.AdoptIfBehind(model);
            var userVector = (float[])request.UserVector.Clone(); // as sent: the user changes its array after the answer
            var result = learner.Step(request, model);
            Calls.Add((item, request, userVector, result.Outcome));
            return result;
        }
    }

    /// <summary>The rating log as a list; reads return a user's ratings in the order they were added.</summary>
    public sealed class RatingLog : IUserRatingHistory
    {
        private readonly List<LoggedRating> _ratings = [];

        public RatingMessage Add(long sequence, string user, string item, float value)
        {
            _ratings.Add(new LoggedRating(sequence, user, item, value, 0));
            return new RatingMessage(sequence, user, item, value, 0);
        }

        public async IAsyncEnumerable<LoggedRating> ReadUserAsync(string user)
        {
            foreach (var rating in _ratings.Where(r => r.User == user).ToArray()) yield return rating;
            await Task.CompletedTask;
        }
    }
}
