using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Implicit;
using OnlineRec.Core.Training.Sharded;

namespace OnlineRec.Core.Tests.Training.Sharded;

public sealed class ShardedImplicitTrainerTests
{
    private static readonly ImplicitOptions Options = new()
    {
        Factors = 6, Sweeps = 5, Alpha = 2f, Lambda = 1.5f, Seed = 13,
        Interactions = new InteractionOptions { RatingWeight = RatingWeightFunction.AboveThreshold, RatingThreshold = 2.5f, PopularityHalfLifeDays = 2 },
    };

    private static readonly AlsOptions RatingOptions = new() { Factors = 6, Iterations = 4, FactorLambda = 0.5f, BiasLambda = 1f, Seed = 11 };

    [Theory]
    [InlineData(1, ImplicitSolver.Cholesky)]
    [InlineData(2, ImplicitSolver.Cholesky)]
    [InlineData(3, ImplicitSolver.ConjugateGradient)]
    [InlineData(4, ImplicitSolver.Cholesky)]
    [InlineData(4, ImplicitSolver.ConjugateGradient)]
    public async Task Cold_start_matches_the_single_process_trainer(int shards, ImplicitSolver solver)
    {
        var options = Options with { Solver = solver };
        var log = Log(seed: 1);

        var expected = new ImplicitTrainer(options).Train(SingleProcessDataset(log, null));
        var actual = await new ShardedImplicitTrainer(options).TrainAsync(Partition(log, shards, options), null);

        AssertSameModel(expected, actual.Model);
        Assert.Equal(ImplicitObjective.Loss(actual.Model, SingleProcessDataset(log, null), options.Alpha, options.Lambda), actual.Objective,
            precision: 6 - (int)Math.Ceiling(Math.Log10(actual.Objective)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Warm_start_with_new_ids_matches_the_single_process_trainer(int shards)
    {
        var log = Log(seed: 2);
        var earlier = log.Take(log.Length * 2 / 3).ToArray();
        // The installed version also knows a user with nothing in this log: every solver gives them zero.
        var installed = new ImplicitTrainer(Options).Train(SingleProcessDataset([.. earlier, new SequencedRating(long.MaxValue, "ghost", "i1", 4f)], null));

        var expected = new ImplicitTrainer(Options).Train(SingleProcessDataset(log, installed), installed);
        var actual = await new ShardedImplicitTrainer(Options).TrainAsync(Partition(log, shards, Options), installed);

        AssertSameModel(expected, actual.Model);
        Assert.All(actual.Model.UserVector(actual.Model.Users.IndexOf("ghost")).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public async Task Rating_and_ranking_models_train_over_the_same_shards_in_one_retrain()
    {
        var log = Log(seed: 3);
        var shards = Partition(log, 3, Options);

        var layout = await ShardLayout.PrepareAsync(shards, null, null);
        var rating = await new ShardedAlsTrainer(RatingOptions).TrainAsync(shards, layout, null);
        var ranking = await new ShardedImplicitTrainer(Options).TrainAsync(shards, layout, null);

        var data = SingleProcessDataset(log, null);
        AssertSameModel(new ImplicitTrainer(Options).Train(data), ranking.Model);
        Assert.Equal(data.Users.Ids, rating.Model.Users.Ids);
        var ratings = RatingDataset.FromEvents(LatestRatings(log).Select(r => new RatingEvent(r.User, r.Item, r.Value, r.Timestamp)),
            data.Users.Clone(), data.Items.Clone());
        var expectedRating = new AlsTrainer(RatingOptions).Train(ratings);
        for (var n = 0; n < expectedRating.UserFactors.Length; n++) Assert.Equal(expectedRating.UserFactors[n], rating.Model.UserFactors[n], 4);
        // Users with events only have no rating row: the rating model gives them μ + b_i.
        Assert.Equal(0f, rating.Model.UserBias[rating.Model.Users.IndexOf("watcher")]);
    }

    [Fact]
    public void Events_count_as_owned_ids_but_not_as_ratings()
    {
        var shard = new ShardRatings(ShardSide.Users);
        shard.Add(new SequencedRating(1, "a", "x", 4));
        shard.Add(new SequencedRating(2, "b", "y", 2.5f, 100, LogEntryKind.Event));
        shard.Add(new SequencedRating(3, "a", "y", 1.5f, 101, LogEntryKind.Event));

        Assert.Equal([new ShardId("a", 1), new ShardId("b", 2)], shard.OwnedIds());
        Assert.Equal(1, shard.Count);
        Assert.Equal(4.0, shard.ValueSum);
        var rows = shard.BindInteractions(new IdMap(["a", "b"]), new IdMap(["x", "y"]), new InteractionOptions());
        Assert.Equal([0, 1], rows.Rows.RowColumns(0).ToArray());
        Assert.Equal([1f, 1.5f], rows.Rows.RowValues(0).ToArray());
        Assert.Equal([2.5f], rows.Rows.RowValues(1).ToArray());
    }

    [Fact]
    public async Task A_shard_without_the_ranking_model_is_refused_by_the_time_bound()
    {
        var plain = new TimeBoundShard(new RatingOnlyShard(), TimeSpan.FromSeconds(5), "shard 0");

        await Assert.ThrowsAsync<NotSupportedException>(() =>
            plain.SolveImplicitAsync(ShardSide.Users, new ImplicitFixedSide([], new float[36], []), CancellationToken.None));
    }

    private static LocalAlsShard[] Partition(SequencedRating[] log, int shards, ImplicitOptions options) =>
        LocalAlsShard.Partition(log, shards, id => (int)(Fnv(id) % (uint)shards), RatingOptions.RowSettings, implicitOptions: options);

    private static uint Fnv(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    /// <summary>
    /// What a single process builds from the same log: the maps in first-appearance order of the de-duplicated log
    /// (latest ratings and every event) after the installed version's ids, then every entry aggregated in sequence order.
    /// </summary>
    private static InteractionDataset SingleProcessDataset(SequencedRating[] log, ImplicitModel? installed)
    {
        var users = installed?.Users.Clone() ?? new IdMap();
        var items = installed?.Items.Clone() ?? new IdMap();
        var latest = LatestRatings(log).Select(r => r.Sequence).ToHashSet();
        foreach (var r in log.Where(r => r.Kind == LogEntryKind.Event || latest.Contains(r.Sequence)))
        {
            users.GetOrAdd(r.User);
            items.GetOrAdd(r.Item);
        }
        return InteractionDataset.Build(users, items,
            log.Select(r => new InteractionEntry(users.IndexOf(r.User), items.IndexOf(r.Item), r.Value, r.Timestamp, r.Kind)), Options.Interactions);
    }

    private static IEnumerable<SequencedRating> LatestRatings(SequencedRating[] log)
    {
        var latest = new Dictionary<(string, string), int>();
        for (var i = 0; i < log.Length; i++)
            if (log[i].Kind == LogEntryKind.Rating) latest[(log[i].User, log[i].Item)] = i;
        return latest.Values.Order().Select(i => log[i]);
    }

    /// <summary>A low-rank rating log in random order, with re-ratings, implicit events, and a user who only has events.</summary>
    private static SequencedRating[] Log(int seed)
    {
        var data = LowRankRatings.Create(users: 80, items: 50, rank: 3, density: 0.3, seed: seed);
        var random = new Random(seed);
        var entries = data.Train.Ratings
            .Select(r => (User: data.Train.Users[r.User], Item: data.Train.Items[r.Item], r.Value, Kind: LogEntryKind.Rating))
            .OrderBy(_ => random.Next()).ToList();
        var rerated = entries.Where(_ => random.NextDouble() < 0.05).Select(e => e with { Value = 6 - e.Value }).ToList();
        var events = entries.Where(_ => random.NextDouble() < 0.2).Select(e => e with { Value = 1 + random.Next(3), Kind = LogEntryKind.Event }).ToList();
        events.Add(("watcher", "i3", 2f, LogEntryKind.Event));
        return entries.Concat(rerated).Concat(events).OrderBy(_ => random.Next())
            .Select((e, i) => new SequencedRating(i + 1, e.User, e.Item, e.Value, 1_000_000 + 3_600L * i + random.Next(7_200), e.Kind)).ToArray();
    }

    private static void AssertSameModel(ImplicitModel expected, ImplicitModel actual)
    {
        Assert.Equal(expected.Users.Ids, actual.Users.Ids);
        Assert.Equal(expected.Items.Ids, actual.Items.Ids);
        AssertClose(expected.UserFactors, actual.UserFactors);
        AssertClose(expected.ItemFactors, actual.ItemFactors);
        AssertClose(expected.ItemGram, actual.ItemGram);
        Assert.Equal(expected.Popularity.ReferenceTimestamp, actual.Popularity.ReferenceTimestamp);
        for (var i = 0; i < expected.ItemCount; i++) Assert.Equal(expected.Popularity.Scores[i], actual.Popularity.Scores[i], 9);
        Assert.True(actual.IsFinite());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }

    private sealed class RatingOnlyShard : IAlsShardWorker
    {
        public Task<ShardSummary> PrepareAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
        public Task BindAsync(IdMap users, IdMap items, CancellationToken cancellationToken) => throw new NotImplementedException();
        public Task<ShardSolution> SolveAsync(ShardSide side, FixedSide fixedSide, CancellationToken cancellationToken) => throw new NotImplementedException();
    }
}
