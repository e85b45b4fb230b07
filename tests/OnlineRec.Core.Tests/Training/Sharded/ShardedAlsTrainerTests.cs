using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Sharded;

namespace OnlineRec.Core.Tests.Training.Sharded;

public sealed class ShardedAlsTrainerTests
{
    private static readonly AlsOptions Options = new() { Factors = 6, Iterations = 6, FactorLambda = 0.5f, BiasLambda = 1f, Seed = 11 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Cold_start_matches_the_single_process_trainer(int shards)
    {
        var log = Log(seed: 1);

        var expected = new AlsTrainer(Options).Train(SingleProcessDataset(log, null));
        var actual = await new ShardedAlsTrainer(Options).TrainAsync(LocalAlsShard.Partition(log, shards, ShardOf(shards), Options.RowSettings), null);

        AssertSameModel(expected, actual.Model);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Warm_start_with_new_ids_and_rerated_pairs_matches_the_single_process_trainer(int shards)
    {
        var log = Log(seed: 2);
        var earlier = log.Take(log.Length * 2 / 3).ToArray();
        // The installed model also knows a user who has no rating in this log: the single-process solver zeroes it.
        var installed = new AlsTrainer(Options).Train(SingleProcessDataset([.. earlier, new SequencedRating(long.MaxValue, "ghost", "i1", 4f)], null));

        var expected = new AlsTrainer(Options).Train(SingleProcessDataset(log, installed), installed);
        var actual = await new ShardedAlsTrainer(Options).TrainAsync(LocalAlsShard.Partition(log, shards, ShardOf(shards), Options.RowSettings), installed);

        AssertSameModel(expected, actual.Model);
        Assert.Equal(0f, actual.Model.UserBias[actual.Model.Users.IndexOf("ghost")]);
    }

    [Fact]
    public async Task Training_rmse_and_rating_count_describe_the_deduplicated_data()
    {
        var log = Log(seed: 3);
        var data = SingleProcessDataset(log, null);

        var result = await new ShardedAlsTrainer(Options).TrainAsync(LocalAlsShard.Partition(log, 2, ShardOf(2), Options.RowSettings), null);

        Assert.Equal(data.Count, result.Ratings);
        Assert.True(data.Count < log.Length, "the log should contain re-ratings");
        Assert.Equal(LowRankRatings.Rmse(result.Model, data), result.TrainRmse, 4);
        Assert.InRange(result.TrainRmse, 0.05, 0.5); // noise σ = 0.3 on a rank-3 signal
    }

    [Fact]
    public void Owned_ids_follow_first_appearance_after_re_ratings_are_resolved()
    {
        var shard = new ShardRatings(ShardSide.Users);
        shard.Add(new SequencedRating(1, "a", "x", 1));
        shard.Add(new SequencedRating(2, "b", "y", 2));
        shard.Add(new SequencedRating(3, "a", "x", 5)); // supersedes sequence 1: "a" now first appears at 3

        Assert.Equal([new ShardId("b", 2), new ShardId("a", 3)], shard.OwnedIds());
        Assert.Equal(7.0, shard.ValueSum);
        Assert.Equal(2, shard.Count);
    }

    private static Func<string, int> ShardOf(int shards) => id => (int)(Fnv(id) % (uint)shards);

    private static uint Fnv(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    /// <summary>The reconciler's single-process dataset: latest rating per pair, in sequence order, on the installed maps.</summary>
    private static RatingDataset SingleProcessDataset(SequencedRating[] log, MfModel? installed)
    {
        var latest = new Dictionary<(string, string), int>();
        for (var i = 0; i < log.Length; i++) latest[(log[i].User, log[i].Item)] = i;
        var events = latest.Values.Order().Select(i => new RatingEvent(log[i].User, log[i].Item, log[i].Value, 0));
        return RatingDataset.FromEvents(events, installed?.Users.Clone(), installed?.Items.Clone());
    }

    /// <summary>A low-rank log in random order with some pairs re-rated later.</summary>
    private static SequencedRating[] Log(int seed)
    {
        var data = LowRankRatings.Create(users: 90, items: 60, rank: 3, density: 0.35, seed: seed);
        var random = new Random(seed);
        var events = data.Train.Ratings.Select(r => (User: data.Train.Users[r.User], Item: data.Train.Items[r.Item], r.Value))
            .OrderBy(_ => random.Next()).ToList();
        var rerated = events.Where(_ => random.NextDouble() < 0.05).Select(e => e with { Value = e.Value + 0.5f }).ToList();
        return events.Concat(rerated).Select((e, i) => new SequencedRating(i + 1, e.User, e.Item, e.Value)).ToArray();
    }

    private static void AssertSameModel(MfModel expected, MfModel actual)
    {
        Assert.Equal(expected.Users.Ids, actual.Users.Ids);
        Assert.Equal(expected.Items.Ids, actual.Items.Ids);
        Assert.Equal(expected.GlobalMean, actual.GlobalMean, 5);
        AssertClose(expected.UserFactors.AsSpan(0, expected.UserCount * expected.Factors), actual.UserFactors.AsSpan(0, actual.UserCount * actual.Factors));
        AssertClose(expected.ItemFactors.AsSpan(0, expected.ItemCount * expected.Factors), actual.ItemFactors.AsSpan(0, actual.ItemCount * actual.Factors));
        AssertClose(expected.UserBias.AsSpan(0, expected.UserCount), actual.UserBias.AsSpan(0, actual.UserCount));
        AssertClose(expected.ItemBias.AsSpan(0, expected.ItemCount), actual.ItemBias.AsSpan(0, actual.ItemCount));
        Assert.True(actual.IsFinite());
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }
}

public sealed class ShardFailureTests
{
    private static readonly AlsOptions Options = new() { Factors = 2, Iterations = 3 };

    [Fact]
    public async Task A_shard_that_throws_fails_the_training()
    {
        var shards = new IAlsShardWorker[] { Healthy(), new BrokenShard(hang: false) };

        await Assert.ThrowsAsync<InvalidOperationException>(() => new ShardedAlsTrainer(Options).TrainAsync(shards, null));
    }

    [Fact]
    public async Task A_shard_that_never_answers_fails_the_training_after_the_timeout()
    {
        var shards = new IAlsShardWorker[] { Healthy(), new TimeBoundShard(new BrokenShard(hang: true), TimeSpan.FromMilliseconds(200), "shard 1") };

        var error = await Assert.ThrowsAsync<TimeoutException>(() => new ShardedAlsTrainer(Options).TrainAsync(shards, null));
        Assert.Contains("shard 1", error.Message);
    }

    private static IAlsShardWorker Healthy() =>
        LocalAlsShard.Partition([new SequencedRating(1, "u", "i", 4f)], 1, _ => 0, Options.RowSettings)[0];

    /// <summary>Loads fine, then fails (or never answers) its first solve, like a worker whose silo died.</summary>
    private sealed class BrokenShard(bool hang) : IAlsShardWorker
    {
        public Task<ShardSummary> PrepareAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new ShardSummary([], [], 0, 0));

        public Task BindAsync(IdMap users, IdMap items, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<ShardSolution> SolveAsync(ShardSide side, FixedSide fixedSide, CancellationToken cancellationToken) =>
            hang ? new TaskCompletionSource<ShardSolution>().Task : throw new InvalidOperationException("silo lost");
    }
}
