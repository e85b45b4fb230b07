using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Abstractions;
using OnlineRec.Core.Training;
using OnlineRec.Grains.Model;
using Orleans.TestingHost;

namespace OnlineRec.Grains.Tests.Learning;

[Collection(ClusterCollection.Name)]
public sealed class OnlineLearningTests(ClusterFixture fixture)
{
    // The fixture keeps ModelOptions' default η and λs (k = 8).
    private static readonly SgdStepParameters Step = new(0.01f, 0.05f, 0.01f);

    [Fact]
    public async Task A_streamed_rating_moves_user_and_item_by_exactly_one_kernel_step()
    {
        var user = "u-" + Guid.NewGuid().ToString("N");
        var item = "i-" + Guid.NewGuid().ToString("N");
        var grains = fixture.Cluster.GrainFactory;
        var mu = await GlobalMeanEverySiloUsesAsync();
        var userBefore = await grains.GetGrain<IUserGrain>(user).GetFactors();
        var itemBefore = await grains.GetGrain<IItemGrain>(item).GetFactors();

        await fixture.Client.IngestAsync([new RatingInput(user, item, 4)]);
        var userAfter = await Eventually.Until(() => grains.GetGrain<IUserGrain>(user).GetFactors(), f => f.RatingCount == 1, what: "the user's step");
        var itemAfter = await grains.GetGrain<IItemGrain>(item).GetFactors();

        var bu = userBefore.Bias;
        var bi = itemBefore.Bias;
        var p = (float[])userBefore.Vector.Clone();
        var q = (float[])itemBefore.Vector.Clone();
        SgdKernel.Step(ref bu, ref bi, p, q, mu, 4f, Step);

        Assert.Equal(bu, userAfter.Bias);
        Assert.Equal(bi, itemAfter.Bias);
        Assert.Equal(p, userAfter.Vector);
        Assert.Equal(q, itemAfter.Vector);
        Assert.Equal(1, itemAfter.RatingCount);
        Assert.NotEqual(userBefore.Vector, userAfter.Vector);
    }

    /// <summary>
    /// μ of the installed version once every silo has adopted it: a silo picks up a version installed by an earlier
    /// test up to Model:ModelPollInterval later, and until then its grains step with the previous μ.
    /// </summary>
    private async Task<float> GlobalMeanEverySiloUsesAsync()
    {
        var status = await fixture.Client.GetModelStatusAsync();
        var catalogs = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<ModelCatalog>()).ToArray();
        await Eventually.Until(() => Task.FromResult(catalogs.All(c => c.Current.Version == status.Version)), adopted => adopted,
            what: $"every silo to adopt model version {status.Version}");
        return catalogs[0].Current.GlobalMean;
    }

    [Fact]
    public async Task Each_rating_is_applied_once_even_when_the_user_is_asked_again()
    {
        var user = "u-" + Guid.NewGuid().ToString("N");
        var result = await fixture.Client.IngestAsync([new RatingInput(user, "dup-item-1", 5), new RatingInput(user, "dup-item-2", 1)]);
        var grain = fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user);
        var settled = await Eventually.Until(grain.GetFactors, f => f.RatingCount == 2, what: "two steps");

        // A redelivery of the same logged ratings (same sequences) must change nothing.
        await grain.ApplyRatings([
            new RatingMessage(result.FirstSequence, user, "dup-item-1", 5, 0),
            new RatingMessage(result.LastSequence, user, "dup-item-2", 1, 0),
        ]);
        var again = await grain.GetFactors();
        Assert.Equal(2, again.RatingCount);
        Assert.Equal(settled.Vector, again.Vector);
    }

    [Fact]
    public async Task A_batch_with_one_bad_rating_is_rejected_whole_and_stores_nothing()
    {
        var before = await fixture.Client.GetModelStatusAsync();
        var user = "u-" + Guid.NewGuid().ToString("N");
        var ex = await Assert.ThrowsAsync<Sdk.RatingsRejectedException>(() => fixture.Client.IngestAsync([
            new RatingInput(user, "ok-item", 3),
            new RatingInput(user, "bad-item", 6),
            new RatingInput(user, "nan-item", double.NaN),
            new RatingInput("", "no-user", 3),
        ]));

        Assert.Equal([1, 2, 3], ex.Rejections.Select(r => r.Index));
        var after = await fixture.Client.GetModelStatusAsync();
        Assert.Equal(before.Ratings, after.Ratings);
        Assert.Empty(await fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user).GetRatedItems());
    }

    [Fact]
    public async Task Predictions_for_unknown_users_and_items_fall_back_to_finite_biases()
    {
        var prediction = await fixture.Client.PredictAsync("never-seen-" + Guid.NewGuid(), "never-seen-item");
        Assert.True(float.IsFinite(prediction.Score));
        Assert.InRange(prediction.Score, 1f, 5f);
        var recommendations = await fixture.Client.RecommendAsync("never-seen-" + Guid.NewGuid(), 5);
        Assert.All(recommendations, r => Assert.True(float.IsFinite(r.Score)));
    }
}
