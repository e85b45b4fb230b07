using System.Collections.Concurrent;
using OnlineRec.Abstractions;

namespace OnlineRec.Grains.Tests.Reconciliation;

[Collection(ClusterCollection.Name)]
public sealed class ReconcilerTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_retrain_installs_a_new_version_while_predictions_keep_being_answered_and_keeps_later_ratings()
    {
        var client = fixture.Client;
        var ratings = LowRankRatings(users: 120, items: 80, perUser: 25, seed: 7);
        foreach (var chunk in ratings.Chunk(1000)) await client.IngestAsync(chunk);
        var before = await client.GetModelStatusAsync();

        // Readers hammer predictions for the whole retrain; none may fail or see a non-finite score.
        using var stop = new CancellationTokenSource();
        var answered = 0;
        var answeredWhileTraining = 0;
        var failures = new ConcurrentQueue<string>();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var p = await client.PredictAsync($"lr-u{random.Next(120)}", $"lr-i{random.Next(80)}");
                    if (!float.IsFinite(p.Score)) failures.Enqueue($"non-finite score {p.Score}");
                    Interlocked.Increment(ref answered);
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex.Message);
                }
            }
        })).ToArray();

        Assert.True(await client.RequestRetrainAsync());
        // While the retrain runs, a new user rates: the rating arrives after the snapshot and must survive the install.
        var lateUser = "late-" + Guid.NewGuid().ToString("N");
        await client.IngestAsync([new RatingInput(lateUser, "lr-i1", 5), new RatingInput(lateUser, "lr-i2", 4)]);

        var status = await Eventually.Until(async () =>
        {
            var s = await client.GetModelStatusAsync();
            if (s.Status == ReconcilerStatus.Training) Interlocked.Exchange(ref answeredWhileTraining, answered);
            return s;
        }, s => s.Version > before.Version && s.Status == ReconcilerStatus.Idle, TimeSpan.FromSeconds(60), "the new version");
        stop.Cancel();
        await Task.WhenAll(readers);

        Assert.Empty(failures);
        Assert.True(answered > 0);
        Assert.NotNull(status.LastRetrain);
        Assert.Null(status.LastRetrain!.Error);
        Assert.Equal(before.Version + 1, status.Version);
        Assert.True(status.LastRetrain.TrainRmse < 1.0, $"train RMSE {status.LastRetrain.TrainRmse}");

        // The late ratings are in the user's state under the new version, whether they came before or after the snapshot.
        var late = fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(lateUser);
        var factors = await Eventually.Until(late.GetFactors, f => f.ModelVersion == status.Version, what: "late user on the new version");
        Assert.Equal(["lr-i1", "lr-i2"], (await late.GetRatedItems()).Order());
        var recommendations = await late.Recommend(200);
        Assert.DoesNotContain(recommendations, r => r.Item is "lr-i1" or "lr-i2");
        Assert.True(factors.Vector.All(float.IsFinite));
    }

    [Fact]
    public async Task Concurrent_retrain_requests_start_exactly_one_retrain()
    {
        var client = fixture.Client;
        await Eventually.Until(client.GetModelStatusAsync, s => s.Status == ReconcilerStatus.Idle, TimeSpan.FromSeconds(60));
        // Enough ratings that the retrain lasts far longer than dispatching a few requests; the requests all leave
        // before any answer is awaited (Orleans may deliver them in any order, so no particular one is "first").
        foreach (var chunk in LowRankRatings(users: 400, items: 200, perUser: 50, seed: 3, prefix: "cc-").Chunk(5000)) await client.IngestAsync(chunk);
        var requests = Enumerable.Range(0, 5).Select(_ => client.RequestRetrainAsync()).ToArray();
        var started = await Task.WhenAll(requests);
        Assert.Equal(1, started.Count(s => s));
        await Eventually.Until(client.GetModelStatusAsync, s => s.Status == ReconcilerStatus.Idle, TimeSpan.FromSeconds(60));
    }

    /// <summary>Ratings from a rank-2 model plus noise, rounded to the 1–5 scale.</summary>
    private static RatingInput[] LowRankRatings(int users, int items, int perUser, int seed, string prefix = "lr-")
    {
        var random = new Random(seed);
        var p = Enumerable.Range(0, users).Select(_ => new[] { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1 }).ToArray();
        var q = Enumerable.Range(0, items).Select(_ => new[] { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1 }).ToArray();
        var result = new List<RatingInput>();
        for (var u = 0; u < users; u++)
            foreach (var i in Enumerable.Range(0, items).OrderBy(_ => random.Next()).Take(perUser))
            {
                var value = 3.5 + 1.2 * (p[u][0] * q[i][0] + p[u][1] * q[i][1]) + (random.NextDouble() - 0.5) * 0.5;
                result.Add(new RatingInput($"{prefix}u{u}", $"{prefix}i{i}", Math.Clamp(Math.Round(value), 1, 5), 1_000_000 + result.Count));
            }
        return result.ToArray();
    }
}
