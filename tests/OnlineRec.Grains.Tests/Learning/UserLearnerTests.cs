using OnlineRec.Abstractions;
using OnlineRec.Core.Training;
using OnlineRec.Grains.Learning;
using static OnlineRec.Grains.Tests.Learning.LearnerHarness;

namespace OnlineRec.Grains.Tests.Learning;

/// <summary>The user's side of online learning without a cluster: steps, catch-up, adoption, and what it publishes.</summary>
public sealed class UserLearnerTests
{
    private static readonly SgdStepParameters Step = Settings.StepParameters();

    [Fact]
    public async Task A_step_moves_user_and_item_bit_for_bit_as_the_kernel_step()
    {
        var installed = Version(1, 0, 3.5f,
            users: new() { ["u"] = (0.25f, Ramp(0.03f)) },
            items: new() { ["i"] = (-0.5f, Ramp(-0.02f)) });
        var h = new LearnerHarness(installed: installed);
        await h.Learner.ActivateAsync(hasSavedState: false);
        var user = h.Learner.Factors();
        var item = h.Items["i"].Factors();

        await h.Learner.ApplyAsync([h.Log.Add(1, "u", "i", 4f)]);

        var (bu, bi, p, q) = (user.Bias, item.Bias, (float[])user.Vector.Clone(), (float[])item.Vector.Clone());
        SgdKernel.Step(ref bu, ref bi, p, q, 3.5f, 4f, Step);
        var userAfter = h.Learner.Factors();
        var itemAfter = h.Items["i"].Factors();
        Assert.Equal(bu, userAfter.Bias);
        Assert.Equal(p, userAfter.Vector);
        Assert.Equal(bi, itemAfter.Bias);
        Assert.Equal(q, itemAfter.Vector);
        Assert.NotEqual(user.Vector, userAfter.Vector);
        Assert.Equal(1, userAfter.RatingCount);
        Assert.Equal(1, h.Progress.Learned);
    }

    [Fact]
    public async Task A_rating_delivered_again_is_skipped_by_its_sequence()
    {
        var h = new LearnerHarness();
        await h.Learner.ActivateAsync(hasSavedState: false);
        var rating = h.Log.Add(7, "u", "i", 5f);
        await h.Learner.ApplyAsync([rating]);
        var once = h.Learner.Factors();

        await h.Learner.ApplyAsync([rating, rating]);

        Assert.Single(h.Items.Calls);
        Assert.Equal(once.Vector, h.Learner.Factors().Vector);
        Assert.Equal(1, h.Learner.Factors().RatingCount);
        Assert.Equal(1, h.Progress.Learned);
    }

    [Fact]
    public async Task An_older_rating_of_an_item_arriving_after_a_later_one_is_skipped_as_superseded()
    {
        var h = new LearnerHarness();
        await h.Learner.ActivateAsync(hasSavedState: false);
        var older = h.Log.Add(3, "u", "i", 1f);
        var later = h.Log.Add(5, "u", "i", 4f);

        await h.Learner.ApplyAsync([later, older]);

        Assert.Equal([5L], h.Items.Calls.Select(c => c.Request.Sequence));
        Assert.Equal(1, h.Learner.Factors().RatingCount);
    }

    [Fact]
    public async Task A_step_that_would_make_the_user_side_non_finite_is_refused_and_changes_neither_side()
    {
        // Finite rows whose step overflows only on the user's side: e ≈ 3e38, so η·e·q_i exceeds float range.
        var installed = Version(1, 0, 3f,
            users: new() { ["u"] = (-3e38f, Filled(0f)) },
            items: new() { ["i"] = (0f, Filled(1000f)) });
        var h = new LearnerHarness(installed: installed);
        await h.Learner.ActivateAsync(hasSavedState: false);
        var user = h.Learner.Factors();
        var item = h.Items["i"].Factors();
        var rating = h.Log.Add(1, "u", "i", 4f);

        await h.Learner.ApplyAsync([rating]);

        Assert.Equal(ItemStepOutcome.RejectedNonFinite, Assert.Single(h.Items.Calls).Outcome);
        Assert.Equal(user.Bias, h.Learner.Factors().Bias);
        Assert.Equal(user.Vector, h.Learner.Factors().Vector);
        Assert.Equal(0, h.Learner.Factors().RatingCount);
        Assert.Equal(item.Bias, h.Items["i"].Factors().Bias);
        Assert.Equal(item.Vector, h.Items["i"].Factors().Vector);
        Assert.Equal(0, h.Items["i"].Factors().RatingCount);
        // Done with all the same: not sent again on redelivery, rated, and counted as taken.
        await h.Learner.ApplyAsync([rating]);
        Assert.Single(h.Items.Calls);
        Assert.Equal(["i"], h.Learner.RatedItems);
        Assert.Equal(1, h.Progress.Learned);
    }

    [Fact]
    public async Task Catch_up_steps_exactly_the_logged_ratings_missing_from_the_saved_applied_set_in_sequence_order()
    {
        var saved = new UserState
        {
            Vector = Ramp(0.01f),
            StepsApplied = 2,
            AppliedAfterBase = AppliedSequences.Encode([2, 4]),
        };
        var h = new LearnerHarness(state: saved);
        // Out of order on purpose: catch-up must not depend on the order the log is read in.
        foreach (var (sequence, item) in new[] { (6L, "f"), (2L, "b"), (5L, "e"), (1L, "a"), (4L, "d"), (3L, "c") })
            h.Log.Add(sequence, "u", item, 3f);

        await h.Learner.ActivateAsync(hasSavedState: true);

        Assert.Equal([1L, 3L, 5L, 6L], h.Items.Calls.Select(c => c.Request.Sequence));
        Assert.Equal(6, h.Learner.Factors().RatingCount);
        Assert.Equal(["a", "b", "c", "d", "e", "f"], h.Learner.RatedItems.Order());
        Assert.Equal(0, h.Learner.Factors().ModelVersion); // saved state current: no adoption
    }

    [Fact]
    public async Task A_saved_applied_rating_supersedes_an_older_logged_rating_of_the_same_item_on_catch_up()
    {
        var saved = new UserState { Vector = Ramp(0.01f), AppliedAfterBase = AppliedSequences.Encode([4]) };
        var h = new LearnerHarness(state: saved);
        h.Log.Add(2, "u", "b", 1f);
        h.Log.Add(3, "u", "c", 2f);
        h.Log.Add(4, "u", "b", 5f);

        await h.Learner.ActivateAsync(hasSavedState: true);

        Assert.Equal([3L], h.Items.Calls.Select(c => c.Request.Sequence));
    }

    [Fact]
    public async Task Adoption_takes_the_versions_row_and_replays_only_the_ratings_after_its_snapshot()
    {
        var saved = new UserState { Vector = Ramp(0.5f), Bias = 1f, AppliedAfterBase = AppliedSequences.Encode([1, 2, 3, 4, 5]) };
        var h = new LearnerHarness(state: saved);
        for (var s = 1; s <= 5; s++) h.Log.Add(s, "u", "item-" + s, 4f);
        var v1 = Version(1, snapshot: 3, 3.2f, users: new() { ["u"] = (0.4f, Ramp(-0.01f)) });
        h.InstallEverywhere(v1);

        await h.Learner.ActivateAsync(hasSavedState: true);

        Assert.Equal([4L, 5L], h.Items.Calls.Select(c => c.Request.Sequence));
        var first = h.Items.Calls[0];
        Assert.Equal(0.4f, first.Request.UserBias);
        Assert.Equal(Ramp(-0.01f), first.UserVector);
        Assert.Equal(1, first.Request.ModelVersion);
        Assert.Equal(5, h.Learner.RatedItems.Count);
        h.Learner.PrepareForWrite();
        Assert.Equal([4L, 5L], AppliedSequences.Decode(h.State.AppliedAfterBase)); // the old version's steps are gone
    }

    [Fact]
    public async Task A_user_the_version_lacks_adopts_its_seeded_draw()
    {
        var h = new LearnerHarness(installed: Version(1, 0, 3f, users: new() { ["someone-else"] = (1f, Ramp(1f)) }));

        await h.Learner.ActivateAsync(hasSavedState: false);

        Assert.Equal(FactorInitializer.Create("user", "u", Settings.Factors, Settings.InitialStd), h.Learner.Factors().Vector);
        Assert.False(h.Learner.IsKnown);
    }

    [Fact]
    public async Task A_stale_version_answer_makes_the_user_adopt_that_version_and_then_step()
    {
        var h = new LearnerHarness();
        await h.Learner.ActivateAsync(hasSavedState: false);
        var rating = h.Log.Add(2, "u", "i", 5f);
        // Version 2 is stored and the item's silo installed it; the user's silo has not polled yet.
        var v2 = Version(2, snapshot: 1, 3.4f, users: new() { ["u"] = (0.3f, Ramp(0.02f)) }, items: new() { ["i"] = (0.1f, Ramp(-0.03f)) });
        h.UserModels.Store(v2);
        h.Items.Models.Install(v2);

        await h.Learner.ApplyAsync([rating]);

        Assert.Equal(new[] { (0, ItemStepOutcome.StaleModelVersion), (2, ItemStepOutcome.Applied) },
            h.Items.Calls.Select(c => (c.Request.ModelVersion, c.Outcome)));
        float bu = 0.3f, bi = 0.1f;
        var (p, q) = (Ramp(0.02f), Ramp(-0.03f));
        SgdKernel.Step(ref bu, ref bi, p, q, 3.4f, 5f, Step);
        Assert.Equal(2, h.Learner.Factors().ModelVersion);
        Assert.Equal(bu, h.Learner.Factors().Bias);
        Assert.Equal(p, h.Learner.Factors().Vector);
    }

    [Fact]
    public async Task Each_new_version_is_adopted_even_when_the_log_answers_synchronously()
    {
        var h = new LearnerHarness();
        await h.Learner.ActivateAsync(hasSavedState: false);
        h.Log.Add(1, "u", "i", 4f);

        h.InstallEverywhere(Version(1, 0, 3f));
        await h.Learner.EnsureCurrentVersionAsync();
        h.InstallEverywhere(Version(2, 0, 3f));
        await h.Learner.EnsureCurrentVersionAsync();

        Assert.Equal(2, h.Learner.Factors().ModelVersion);
        Assert.Equal([1, 2], h.Items.Calls.Select(c => c.Request.ModelVersion)); // each adoption replayed the rating
    }

    [Fact]
    public async Task Write_behind_names_the_latest_sequence_of_each_item_after_the_snapshot()
    {
        var h = new LearnerHarness(installed: Version(1, snapshot: 3, 3f));
        h.Log.Add(2, "u", "before-snapshot", 3f);
        await h.Learner.ActivateAsync(hasSavedState: false);

        await h.Learner.ApplyAsync([h.Log.Add(4, "u", "a", 2f), h.Log.Add(6, "u", "a", 5f), h.Log.Add(7, "u", "b", 1f)]);
        h.Learner.PrepareForWrite();

        Assert.Equal([6L, 7L], AppliedSequences.Decode(h.State.AppliedAfterBase));
        Assert.True(h.StateChanges > 0);
    }

    [Fact]
    public async Task The_published_row_excludes_what_the_user_rated_and_never_changes_once_taken()
    {
        var h = new LearnerHarness();
        await h.Learner.ActivateAsync(hasSavedState: false);
        Assert.False(h.Learner.Row().Known); // rated nothing, not in the model: bias and vector don't count yet
        var rowsBefore = h.RowChanges;

        await h.Learner.ApplyAsync([h.Log.Add(1, "u", "a", 4f), h.Log.Add(2, "u", "b", 2f)]);
        var row = h.Learner.Row();
        await h.Learner.ApplyAsync([h.Log.Add(3, "u", "c", 5f)]);

        Assert.Equal(rowsBefore + 2, h.RowChanges); // once per batch
        Assert.True(row.Known);
        Assert.Equal(["a", "b"], row.Rated);
        Assert.Equal(["a", "b", "c"], h.Learner.Row().Rated);
        Assert.NotEqual(row.Vector, h.Learner.Row().Vector);
        Assert.NotSame(h.State.Vector, h.Learner.Row().Vector);
    }

    [Fact]
    public async Task Ratings_of_other_users_in_a_batch_are_ignored()
    {
        var h = new LearnerHarness();
        await h.Learner.ActivateAsync(hasSavedState: false);

        await h.Learner.ApplyAsync([h.Log.Add(1, "someone-else", "a", 4f), h.Log.Add(2, "u", "b", 2f)]);

        Assert.Equal(["b"], h.Items.Calls.Select(c => c.Item));
    }

    [Fact]
    public async Task An_item_that_cannot_reach_the_users_version_makes_the_user_give_up_the_step_rather_than_adopt_again()
    {
        var h = new LearnerHarness();
        await h.Learner.ActivateAsync(hasSavedState: false);
        h.UserModels.Install(Version(1, 0, 3f)); // the item's silo cannot load version 1 (say, another k)

        await h.Learner.ApplyAsync([h.Log.Add(1, "u", "i", 4f)]);

        // Once when adopting version 1 replays the rating, once for the batch itself; each time the item stays behind.
        Assert.Equal([(1, 0), (1, 0)], h.Items.Calls.Select(c => (c.Request.ModelVersion, h.Items["i"].State.ModelVersion)));
        Assert.All(h.Items.Calls, c => Assert.Equal(ItemStepOutcome.StaleModelVersion, c.Outcome));
        Assert.Equal(0, h.Learner.Factors().RatingCount);
        Assert.Empty(h.Learner.RatedItems); // not taken: the next adoption replays it from the log
    }
}
