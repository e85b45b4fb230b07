using Microsoft.Extensions.Logging.Abstractions;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Learning;
using static OnlineRec.Grains.Tests.Learning.LearnerHarness;

namespace OnlineRec.Grains.Tests.Learning;

/// <summary>The item's side of online learning without a cluster.</summary>
public sealed class ItemLearnerTests
{
    private static ItemLearner NewItem(string item = "i") => new(item, new ItemState(), Settings, NullLogger.Instance);

    [Fact]
    public void A_request_under_another_model_version_is_answered_stale_and_changes_nothing()
    {
        var v2 = Version(2, 0, 3f, items: new() { ["i"] = (0.2f, Ramp(0.01f)) });
        var item = NewItem();
        item.AdoptIfBehind(v2);

        var result = item.Step(new ItemStepRequest(1, 9, 4f, 0f, Ramp(0.02f)), v2);

        Assert.Equal(ItemStepOutcome.StaleModelVersion, result.Outcome);
        Assert.Equal(2, result.ModelVersion);
        Assert.Equal(0.2f, item.State.Bias);
        Assert.Equal(Ramp(0.01f), item.State.Vector);
        Assert.Equal(0, item.State.StepsApplied);
    }

    [Fact]
    public void A_step_whose_user_half_would_overflow_is_refused_although_the_item_half_stays_finite()
    {
        var v1 = Version(1, 0, 3f, items: new() { ["i"] = (0f, Filled(1000f)) });
        var item = NewItem();
        item.AdoptIfBehind(v1);

        var result = item.Step(new ItemStepRequest(1, 1, 4f, -3e38f, Filled(0f)), v1);

        Assert.Equal(ItemStepOutcome.RejectedNonFinite, result.Outcome);
        Assert.Equal(0f, item.State.Bias);
        Assert.Equal(Filled(1000f), item.State.Vector);
        Assert.Equal(0, item.State.StepsApplied);
    }

    [Fact]
    public void An_item_takes_a_newer_versions_row_or_restarts_from_its_seeded_draw_when_the_version_lacks_it()
    {
        var item = NewItem();
        Assert.True(item.AdoptIfBehind(Version(1, 0, 3f, items: new() { ["i"] = (0.7f, Ramp(0.1f)) })));
        Assert.Equal((0.7f, true), (item.State.Bias, item.State.InModel));
        Assert.False(item.AdoptIfBehind(Version(1, 0, 3f))); // already on it

        Assert.True(item.AdoptIfBehind(Version(2, 0, 3f)));

        Assert.Equal(FactorInitializer.Create("item", "i", Settings.Factors, Settings.InitialStd), item.State.Vector);
        Assert.Equal((0f, false, 2), (item.State.Bias, item.State.InModel, item.State.ModelVersion));
    }
}
