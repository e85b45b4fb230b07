using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Grains.Learning;
using OnlineRec.Storage.RatingLog;
using Orleans.Core.Internal;
using Orleans.Storage;
using Orleans.TestingHost;

namespace OnlineRec.Grains.Tests.Learning;

/// <summary>What a user grain persists, and what a reactivated grain makes of it together with the rating log.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UserStatePersistenceTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_reactivated_user_applies_only_the_logged_ratings_its_saved_state_does_not_include()
    {
        var (user, grain, first, applied) = await LoggedAndAppliedAsync("react-", ("react-a", 4), ("react-b", 2));

        await DeactivateAsync(grain); // writes the state behind, as a silo does when it collects an idle grain
        // Logged while the grain was away and never delivered: only the log knows it.
        await ClusterFixture.SharedLog.AppendAsync([new RatingEvent(user, "react-c", 5, 3)]);

        var reactivated = await grain.GetFactors();
        Assert.Equal(3, reactivated.RatingCount); // a and b were not stepped again
        Assert.Equal(["react-a", "react-b", "react-c"], (await grain.GetRatedItems()).Order());
        Assert.NotEqual(applied.Vector, reactivated.Vector);

        var saved = await ReadStateAsync(grain);
        Assert.Equal(applied.RatingCount, saved.StepsApplied); // written at deactivation, before c
        Assert.Equal([first.FirstSequence, first.FirstSequence + 1], AppliedSequences.Decode(saved.AppliedAfterBase).Order());
    }

    [Fact]
    public async Task A_rating_superseded_by_a_later_one_of_the_same_item_is_not_stepped_again_after_reactivation()
    {
        var (_, grain, logged, applied) = await LoggedAndAppliedAsync("twice-", ("twice-a", 2), ("twice-a", 5)); // a re-rating is a step of its own

        await DeactivateAsync(grain);
        var reactivated = await grain.GetFactors();

        Assert.Equal(2, reactivated.RatingCount);
        Assert.Equal(applied.Vector, reactivated.Vector);
        // Only the latest rating of the item is saved: the older one is skipped as superseded on catch-up.
        Assert.Equal([logged.LastSequence], AppliedSequences.Decode((await ReadStateAsync(grain)).AppliedAfterBase));
    }

    [Fact]
    public async Task A_state_that_holds_rated_items_instead_of_applied_sequences_re_steps_the_ratings_after_its_snapshot_once()
    {
        var probe = await fixture.Cluster.GrainFactory.GetGrain<IUserGrain>("probe-" + Guid.NewGuid().ToString("N")).GetFactors();
        var user = "rated-form-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user);
        var logged = await ClusterFixture.SharedLog.AppendAsync([new RatingEvent(user, "rated-form-a", 4, 1), new RatingEvent(user, "rated-form-b", 3, 2)]);
        // The earlier form after stepping rated-form-a: its rated items in field 4, no applied sequences (field 7).
        await WriteStateAsync(grain, new UserStateWithRatedItems
        {
            ModelVersion = probe.ModelVersion,
            Vector = Enumerable.Range(1, probe.Vector.Length).Select(i => i / 100f).ToArray(),
            StepsApplied = 1,
            RatedItems = new(StringComparer.Ordinal) { ["rated-form-a"] = new RatedItemInEarlierForm(4, logged.FirstSequence) },
        });

        var activated = await grain.GetFactors();
        Assert.Equal(3, activated.RatingCount); // field 4 is not read: a is stepped a second time, b once
        Assert.Equal(["rated-form-a", "rated-form-b"], (await grain.GetRatedItems()).Order());

        await DeactivateAsync(grain);
        var again = await grain.GetFactors();
        Assert.Equal(3, again.RatingCount); // only once: the state written since names the applied sequences
        Assert.Equal(activated.Vector, again.Vector);
        Assert.Equal([logged.FirstSequence, logged.LastSequence], AppliedSequences.Decode((await ReadStateAsync(grain)).AppliedAfterBase).Order());
    }

    /// <summary>A new user whose ratings are logged and delivered to its grain (as the stream would), one step each.</summary>
    private async Task<(string User, IUserGrain Grain, AppendResult Logged, FactorRow Applied)> LoggedAndAppliedAsync(
        string prefix, params (string Item, float Value)[] ratings)
    {
        var user = prefix + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user);
        var logged = await ClusterFixture.SharedLog.AppendAsync(ratings.Select((r, i) => new RatingEvent(user, r.Item, r.Value, i + 1)).ToArray());
        await grain.ApplyRatings(ratings.Select((r, i) => new RatingMessage(logged.FirstSequence + i, user, r.Item, r.Value, i + 1)).ToArray());
        var applied = await grain.GetFactors();
        Assert.Equal(ratings.Length, applied.RatingCount);
        return (user, grain, logged, applied);
    }

    private async Task DeactivateAsync(IUserGrain grain)
    {
        var before = await grain.GetFactors();
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        // The next call lands on a new activation once the old one has written its state and gone.
        await Eventually.Until(async () => (await ReadStateAsync(grain)).StepsApplied, steps => steps == before.RatingCount,
            what: "the deactivated grain's state write");
    }

    private IGrainStorage Storage =>
        ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.State);

    private async Task<UserState> ReadStateAsync(IUserGrain grain)
    {
        var state = new GrainState<UserState>(new UserState());
        await Storage.ReadStateAsync("user", grain.GetGrainId(), state);
        return state.State ?? throw new InvalidOperationException("no state read");
    }

    private async Task WriteStateAsync<TState>(IUserGrain grain, TState userState)
    {
        var state = new GrainState<TState>(userState);
        await Storage.WriteStateAsync("user", grain.GetGrainId(), state);
    }
}

/// <summary>
/// <see cref="UserState"/> in the form that held the rated items (field 4) rather than the applied sequences (field 7);
/// docs/decisions/0022-user-state-drops-the-rated-items-field.md says what the current form makes of it.
/// </summary>
[GenerateSerializer, Alias("onlinerec.tests.user-state-with-rated-items")]
public sealed class UserStateWithRatedItems
{
    [Id(0)] public int ModelVersion { get; set; }
    [Id(1)] public long BaseSequence { get; set; }
    [Id(2)] public float Bias { get; set; }
    [Id(3)] public float[] Vector { get; set; } = [];
    [Id(4)] public Dictionary<string, RatedItemInEarlierForm> RatedItems { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public long StepsApplied { get; set; }
    [Id(6)] public bool InModel { get; set; }
}

[GenerateSerializer, Immutable, Alias("onlinerec.tests.rated-item-in-earlier-form")]
public readonly record struct RatedItemInEarlierForm(float Value, long Sequence);
