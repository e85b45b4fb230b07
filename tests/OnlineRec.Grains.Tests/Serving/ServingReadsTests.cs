using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Serving;
using Orleans.TestingHost;

namespace OnlineRec.Grains.Tests.Serving;

/// <summary>The batched read path against the user grains it stands in for, on both silos of the test cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ServingReadsTests(ClusterFixture fixture)
{
    private IEnumerable<IServiceProvider> SiloServices =>
        fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services);

    private async Task<(string User, FactorRow Factors)> UserWithRatingsAsync(params (string Item, double Value)[] ratings)
    {
        var user = "sr-" + Guid.NewGuid().ToString("N");
        await fixture.Client.IngestAsync(ratings.Select(r => new RatingInput(user, r.Item, r.Value)).ToArray());
        var factors = await Eventually.Until(() => fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user).GetFactors(),
            f => f.RatingCount == ratings.Length, what: "the user's steps");
        await ItemReplicasAgreeAsync(ratings.Select(r => r.Item).ToArray());
        return (user, factors);
    }

    /// <summary>
    /// Waits until every silo's item replica holds the same rows for these items: a row learned on one silo reaches
    /// the others up to 250 ms later, and comparisons across silos must not race that broadcast.
    /// </summary>
    private Task ItemReplicasAgreeAsync(params string[] items) =>
        Eventually.Until(() => Task.FromResult(items.All(item =>
        {
            var rows = SiloServices.Select(s =>
            {
                var vector = new float[8];
                var known = s.GetRequiredService<ItemFactorIndex>().TryGet(item, out var bias, vector);
                return (known, bias, vector);
            }).ToArray();
            return rows.All(r => r.known && r.bias == rows[0].bias && r.vector.SequenceEqual(rows[0].vector));
        })), agree => agree, what: "item replicas to agree");

    /// <summary>The silo whose replica holds the user (where its grain is active).</summary>
    private IServiceProvider HostOf(string user) =>
        SiloServices.Single(s => s.GetRequiredService<UserFactorReplica>().TryGet(user, out _));

    [Fact]
    public async Task Batched_predictions_equal_the_user_grain_on_every_silo_in_request_order()
    {
        var (user, _) = await UserWithRatingsAsync(("sr-item-1", 5), ("sr-item-2", 1));
        var (other, _) = await UserWithRatingsAsync(("sr-item-2", 4));
        string[] users = [user, other, user, "sr-never-seen-" + Guid.NewGuid().ToString("N"), other];
        string[] items = ["sr-item-2", "sr-item-1", "sr-item-1", "sr-item-1", "sr-unknown-item"];
        var grains = fixture.Cluster.GrainFactory;
        Task<Prediction[]> AskGrains() => Task.WhenAll(users.Select((u, i) => grains.GetGrain<IUserGrain>(u).Predict(items[i])));

        // One silo answers `user` from its replica, the other through the grain: both must agree exactly. (Retried
        // only because an item row learned on one silo reaches the other silo's item replica up to 250 ms later.)
        foreach (var silo in SiloServices)
        {
            var reads = silo.GetRequiredService<ServingReads>();
            var (expected, answers) = await Eventually.Until(
                async () => (await AskGrains(), await reads.PredictAsync(new PredictionQuery(users, items))),
                r => r.Item1.Select(p => p.Score).SequenceEqual(Enumerable.Range(0, r.Item2.Count).Select(r.Item2.ScoreAt)), what: "batched answers equal to the grains'");
            Assert.Empty(answers.Failures);
            Assert.Equal(expected.Select(p => p.ModelVersion), Enumerable.Range(0, answers.Count).Select(answers.ModelVersionAt));
            Assert.All(Enumerable.Range(0, answers.Count).Select(answers.ScoreAt), s => Assert.True(float.IsFinite(s)));

            // The REST doors: the same batch from strings, and each pair alone, answer the same.
            var fromStrings = await reads.PredictAsync(users, items);
            Assert.Equal(answers.Entries, fromStrings.Entries);
            Assert.Equal(expected, await Task.WhenAll(users.Select((u, i) => reads.PredictAsync(u, items[i]).AsTask())));
        }
        var client = await Eventually.Until(
            async () => (await AskGrains(), await Task.WhenAll(users.Select((u, i) => fixture.Client.PredictAsync(u, items[i]).AsTask()))),
            r => r.Item1.SequenceEqual(r.Item2), what: "client answers equal to the grains'");
        Assert.Equal(client.Item1, client.Item2);
    }

    [Fact]
    public async Task Batched_recommendations_equal_the_user_grain_on_every_silo()
    {
        var (user, _) = await UserWithRatingsAsync(("br-item-1", 5), ("br-item-2", 2), ("br-item-3", 4));
        var (other, _) = await UserWithRatingsAsync(("br-item-3", 1));
        string[] users = [user, other, "br-never-seen-" + Guid.NewGuid().ToString("N"), user];
        int[] counts = [5, 3, 2, 0];
        var grains = fixture.Cluster.GrainFactory;

        foreach (var silo in SiloServices)
        {
            var answers = await silo.GetRequiredService<ServingReads>().RecommendAsync(new RecommendationQuery(users, counts));
            Assert.Empty(answers.Failures);
            for (var i = 0; i < users.Length; i++)
                Assert.Equal(await grains.GetGrain<IUserGrain>(users[i]).Recommend(counts[i]), answers.Items[i]);
            Assert.DoesNotContain(answers.Items[0], s => s.Item is "br-item-1" or "br-item-2" or "br-item-3");
        }
    }

    [Fact]
    public async Task The_client_without_coalescing_answers_through_the_same_serving_path()
    {
        var (user, _) = await UserWithRatingsAsync(("nc-item-1", 4), ("nc-item-2", 2), ("nc-item-3", 5));
        var coalesced = fixture.Client;
        var plain = new Sdk.OnlineRecClient(fixture.Cluster.Client, new Sdk.CoalescingOptions { Enabled = false });

        Assert.Equal(await coalesced.PredictAsync(user, "nc-item-1"), await plain.PredictAsync(user, "nc-item-1"));
        Assert.Equal(await coalesced.RecommendAsync(user, 2), await plain.RecommendAsync(user, 2));
        var many = await plain.PredictManyAsync(user, ["nc-item-2", "nc-never-seen", "nc-item-1"]);
        Assert.Equal([(await coalesced.PredictAsync(user, "nc-item-2")).Score, (await coalesced.PredictAsync(user, "nc-never-seen")).Score,
            (await coalesced.PredictAsync(user, "nc-item-1")).Score], many);
    }

    [Fact]
    public async Task A_new_rating_is_reflected_by_the_next_prediction_through_the_client()
    {
        var (user, _) = await UserWithRatingsAsync(("fr-item-1", 3));
        var before = await fixture.Client.PredictAsync(user, "fr-item-2");

        await fixture.Client.IngestAsync([new RatingInput(user, "fr-item-2", 5)]);
        await Eventually.Until(() => fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user).GetFactors(), f => f.RatingCount == 2, what: "the second step");
        await ItemReplicasAgreeAsync("fr-item-1", "fr-item-2");

        // Freshness bound: once the grain finished the batch, the replica shows it (no extra delay).
        var after = await fixture.Client.PredictAsync(user, "fr-item-2");
        var grain = await fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user).Predict("fr-item-2");
        Assert.Equal(grain, after);
        Assert.NotEqual(before.Score, after.Score);
    }

    [Fact]
    public async Task A_cached_top_list_is_dropped_when_the_user_rates_its_best_item()
    {
        var items = Enumerable.Range(1, 6).Select(i => $"rc-item-{i}").ToArray();
        await UserWithRatingsAsync(items.Select((item, i) => (item, (double)(1 + i % 5))).ToArray()); // puts the items in the index
        var (user2, _) = await UserWithRatingsAsync(("rc-item-1", 4));
        var reads = HostOf(user2).GetRequiredService<ServingReads>();
        var query = new RecommendationQuery([user2], [3]);

        var first = (await reads.RecommendAsync(query)).Items[0];
        var second = (await reads.RecommendAsync(query)).Items[0];
        Assert.Same(first, second); // served from the cache (the fixture's drift bound is long)

        var best = first[0].Item;
        await fixture.Client.IngestAsync([new RatingInput(user2, best, 1)]);
        await Eventually.Until(() => fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user2).GetFactors(), f => f.RatingCount == 2, what: "the new step");
        await ItemReplicasAgreeAsync(best);

        var after = (await reads.RecommendAsync(query)).Items[0];
        Assert.DoesNotContain(after, s => s.Item == best);
        Assert.Equal(await fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user2).Recommend(3), after);
        Assert.Equal(after, await fixture.Client.RecommendAsync(user2, 3));
    }

    [Fact]
    public async Task A_row_from_an_older_model_version_is_not_served_locally()
    {
        var (user, _) = await UserWithRatingsAsync(("mv-item-1", 5));
        var host = HostOf(user);
        var replica = host.GetRequiredService<UserFactorReplica>();
        var current = host.GetRequiredService<ModelCatalog>().Current.Version;
        replica.TryGet(user, out var row);

        // Pretend the grain still holds a version older than the installed one, with a vector that would give a
        // visibly different answer: the batch must go through the grain (which adopts) instead of this row.
        var stale = row with { ModelVersion = current - 1, Bias = 100f };
        replica.Publish(user, stale);
        var answers = await host.GetRequiredService<ServingReads>().PredictAsync(new PredictionQuery([user], ["mv-item-1"]));
        var grain = await fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user).Predict("mv-item-1");
        Assert.Equal(grain.Score, answers.ScoreAt(0));
        replica.Publish(user, row);
    }

    [Fact]
    public async Task The_serving_grain_measures_each_batch_it_answers()
    {
        var (user, _) = await UserWithRatingsAsync(("sr-item-1", 4));
        const int pairs = 37; // a size no other test sends: the meter is process-wide
        var sizes = new List<int>();
        var durations = new List<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == ServingMetrics.MeterName) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == ServingMetrics.BatchSizeName && value == pairs && HasTag(tags, ReadOperations.Predict)) lock (sizes) sizes.Add(value);
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == ServingMetrics.BatchDurationName && HasTag(tags, ReadOperations.Predict)) lock (durations) durations.Add(value);
        });
        listener.Start();

        var query = new PredictionQuery(IdList.Of(Enumerable.Repeat(user, pairs).ToArray()), IdList.Of(Enumerable.Repeat("sr-item-1", pairs).ToArray()));
        await fixture.Cluster.GrainFactory.GetGrain<IServingGrain>(0).PredictBatch(query);

        lock (sizes) Assert.Equal([pairs], sizes);
        lock (durations) Assert.Contains(durations, d => d >= 0);
    }

    private static bool HasTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string operation)
    {
        foreach (var tag in tags)
            if (tag.Key == ReadOperations.Tag) return tag.Value as string == operation;
        return false;
    }
}
