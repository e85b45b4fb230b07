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
        Assert.Empty(saved.LegacyRated); // empty, not null: what a rolled-back build can still read
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
    public async Task State_saved_by_an_older_build_with_its_rated_items_is_migrated_without_stepping_twice()
    {
        var probe = await fixture.Cluster.GrainFactory.GetGrain<IUserGrain>("probe-" + Guid.NewGuid().ToString("N")).GetFactors();
        var user = "legacy-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user);
        var logged = await ClusterFixture.SharedLog.AppendAsync([new RatingEvent(user, "legacy-a", 4, 1), new RatingEvent(user, "legacy-b", 3, 2)]);
        var vector = Enumerable.Range(1, probe.Vector.Length).Select(i => i / 100f).ToArray();
        // What the previous build wrote after stepping legacy-a: the rated items themselves, no applied sequences.
        await WriteStateAsync(grain, new UserState
        {
            ModelVersion = probe.ModelVersion,
            BaseSequence = 0,
            Bias = 0.5f,
            Vector = vector,
            StepsApplied = 1,
            LegacyRated = new(StringComparer.Ordinal) { ["legacy-a"] = new RatedItem(4, logged.FirstSequence) },
        });

        var migrated = await grain.GetFactors();
        Assert.Equal(2, migrated.RatingCount); // legacy-b stepped on activation, legacy-a not again
        Assert.Equal(["legacy-a", "legacy-b"], (await grain.GetRatedItems()).Order());

        await DeactivateAsync(grain);
        var again = await grain.GetFactors();
        Assert.Equal(2, again.RatingCount);
        Assert.Equal(migrated.Vector, again.Vector);
        var saved = await ReadStateAsync(grain);
        Assert.Empty(saved.LegacyRated); // empty, not null: what a rolled-back build can still read
        Assert.Equal([logged.FirstSequence, logged.LastSequence], AppliedSequences.Decode(saved.AppliedAfterBase).Order());
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

    private async Task WriteStateAsync(IUserGrain grain, UserState userState)
    {
        var state = new GrainState<UserState>(userState);
        await Storage.WriteStateAsync("user", grain.GetGrainId(), state);
    }
}
