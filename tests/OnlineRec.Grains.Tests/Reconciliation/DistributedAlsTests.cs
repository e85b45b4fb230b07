using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Sharded;
using OnlineRec.Grains.Reconciliation;
using Orleans.Runtime;

namespace OnlineRec.Grains.Tests.Reconciliation;

[Collection(ClusterCollection.Name)]
public sealed class DistributedAlsTests(ClusterFixture fixture)
{
    private static readonly AlsOptions Options = new() { Factors = 8, Iterations = 5, FactorLambda = 0.8f, BiasLambda = 1.5f, MaxDegreeOfParallelism = 1 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Worker_grains_train_the_same_model_as_the_single_process_trainer(int shards)
    {
        var prefix = $"d{shards}-";
        var ratings = Ratings(prefix, users: 60, items: 40, perUser: 12, seed: shards);
        await fixture.Client.IngestAsync(ratings[..^100]);
        // The warm start knows part of the log; the rest brings new ids and re-ratings (the latest must win).
        var firstSnapshot = await ClusterFixture.SharedLog.GetLastSequenceAsync();
        var installed = new AlsTrainer(Options).Train(await SingleProcessDatasetAsync(firstSnapshot, null));
        await fixture.Client.IngestAsync([.. ratings[^100..], .. ratings[..30].Select(r => r with { Value = 6 - r.Value })]);
        var snapshot = await ClusterFixture.SharedLog.GetLastSequenceAsync();

        var expected = new AlsTrainer(Options).Train(await SingleProcessDatasetAsync(snapshot, installed), installed);
        var actual = await TrainOnWorkersAsync(snapshot, shards, installed);

        Assert.Equal(expected.Users.Ids, actual.Model.Users.Ids);
        Assert.Equal(expected.Items.Ids, actual.Model.Items.Ids);
        Assert.Equal(expected.GlobalMean, actual.Model.GlobalMean, 5);
        AssertClose(expected.UserFactors.AsSpan(0, expected.UserCount * Options.Factors), actual.Model.UserFactors.AsSpan(0, actual.Model.UserCount * Options.Factors));
        AssertClose(expected.ItemFactors.AsSpan(0, expected.ItemCount * Options.Factors), actual.Model.ItemFactors.AsSpan(0, actual.Model.ItemCount * Options.Factors));
        AssertClose(expected.UserBias.AsSpan(0, expected.UserCount), actual.Model.UserBias.AsSpan(0, actual.Model.UserCount));
        AssertClose(expected.ItemBias.AsSpan(0, expected.ItemCount), actual.Model.ItemBias.AsSpan(0, actual.Model.ItemCount));
        Assert.InRange(actual.TrainRmse, 0.05, 1.0);
    }

    [Fact]
    public async Task Consecutive_shards_are_placed_on_different_silos()
    {
        var management = fixture.Cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        var retrain = Guid.NewGuid();
        var snapshot = await ClusterFixture.SharedLog.GetLastSequenceAsync();
        var workers = new[] { 20, 21 }.Select(w => fixture.Cluster.GrainFactory.GetGrain<IAlsWorkerGrain>(w)).ToArray();
        foreach (var worker in workers) await worker.Prepare(Assignment(retrain, snapshot, shardCount: 22));

        var silos = new[] { await management.GetActivationAddress(workers[0]), await management.GetActivationAddress(workers[1]) };

        Assert.NotEqual(silos[0], silos[1]);
        foreach (var worker in workers) await worker.Finish(retrain);
    }

    [Fact]
    public async Task A_worker_refuses_calls_for_a_retrain_it_does_not_hold()
    {
        var worker = fixture.Cluster.GrainFactory.GetGrain<IAlsWorkerGrain>(30);
        var current = Guid.NewGuid();
        await worker.Prepare(Assignment(current, await ClusterFixture.SharedLog.GetLastSequenceAsync(), shardCount: 31));

        var stale = new AlsFixedSide(Guid.NewGuid(), new float[8], new float[1], 3f);
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.SolveUsers(stale));
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Bind(new AlsIdMaps(Guid.NewGuid(), [], [])));
        // Not bound yet: even the right retrain cannot solve.
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.SolveItems(stale with { RetrainId = current }));
        await worker.Finish(current);
        // After Finish the data is gone: the retrain's id no longer opens it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Bind(new AlsIdMaps(current, [], [])));
    }

    private async Task<ShardedTrainingResult> TrainOnWorkersAsync(long snapshot, int shards, MfModel? warmStart)
    {
        var assignment = Assignment(Guid.NewGuid(), snapshot, shards);
        // Shard w is worker grain w, which the reconciler also uses: make sure no retrain of its is running.
        await Eventually.Until(fixture.Client.GetModelStatusAsync, s => s.Status == ReconcilerStatus.Idle, TimeSpan.FromSeconds(60));
        var workers = Enumerable.Range(0, shards).Select(w => fixture.Cluster.GrainFactory.GetGrain<IAlsWorkerGrain>(w)).ToArray();
        try
        {
            var adapters = workers.Select(w => (IAlsShardWorker)new WorkerGrainShard(w, assignment)).ToArray();
            return await new ShardedAlsTrainer(Options).TrainAsync(adapters, warmStart);
        }
        finally
        {
            foreach (var worker in workers) await worker.Finish(assignment.RetrainId);
        }
    }

    private static AlsShardAssignment Assignment(Guid retrain, long snapshot, int shardCount) =>
        new(retrain, snapshot, shardCount, new AlsSolveSettings(Options.Factors, Options.FactorLambda, Options.BiasLambda,
            (int)Options.FactorScaling, (int)Options.BiasScaling, Options.MaxDegreeOfParallelism));

    /// <summary>What the single-process reconciler trained on: the whole log to the snapshot, latest rating per pair.</summary>
    private static async Task<RatingDataset> SingleProcessDatasetAsync(long snapshot, MfModel? installed)
    {
        var events = new List<RatingEvent>();
        await foreach (var r in ClusterFixture.SharedLog.ReadRangeAsync(0, snapshot)) events.Add(r.ToEvent());
        var latest = new Dictionary<(string, string), int>();
        for (var i = 0; i < events.Count; i++) latest[(events[i].User, events[i].Item)] = i;
        return RatingDataset.FromEvents(latest.Values.Order().Select(i => events[i]), installed?.Users.Clone(), installed?.Items.Clone());
    }

    private static RatingInput[] Ratings(string prefix, int users, int items, int perUser, int seed)
    {
        var random = new Random(seed);
        var result = new List<RatingInput>();
        for (var u = 0; u < users; u++)
            foreach (var i in Enumerable.Range(0, items).OrderBy(_ => random.Next()).Take(perUser))
                result.Add(new RatingInput($"{prefix}u{u}", $"{prefix}i{i}", 1 + ((u % 5) + (i % 3)) % 5, 1_000_000 + result.Count));
        return result.OrderBy(_ => random.Next()).ToArray();
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }
}
