using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Sharded;
using OnlineRec.Lab.Data;

namespace OnlineRec.Benchmarks;

/// <summary>
/// One retrain's training on a synthetic 1M-rating log (10k users × 4k items, k = 32, 5 sweeps), all in one process:
/// Shards = 0 is the single-process <see cref="AlsTrainer"/> (the reconciler before sharding); 1, 2, 4 run the sharded
/// coordinator over in-process shards, including what a worker does per retrain besides reading the log (de-dup,
/// id report, binding to the id maps) and what the coordinator does (id maps, copying the fixed side per half-step,
/// scattering blocks). No network or serialisation: this measures the sharding overhead, not a cluster's speed-up.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ShardedAlsBenchmarks
{
    private static readonly AlsOptions Options = new() { Factors = 32, Iterations = 5 };
    private SequencedRating[] _log = null!;
    private RatingDataset _data = null!;

    [Params(0, 1, 2, 4)]
    public int Shards { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var generated = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 10_000, Items = 4_000, Ratings = 1_000_000, Seed = 7 });
        _log = generated.Events.Select((e, i) => new SequencedRating(i + 1, e.User, e.Item, e.Value)).ToArray();
        _data = RatingDataset.FromEvents(generated.Events);
    }

    [Benchmark]
    public MfModel Retrain()
    {
        if (Shards == 0) return new AlsTrainer(Options).Train(RatingDataset.FromEvents(_data.Ratings.Select(r =>
            new RatingEvent(_data.Users[r.User], _data.Items[r.Item], r.Value, 0))));
        var shards = LocalAlsShard.Partition(_log, Shards, ShardOf, Options.RowSettings);
        return new ShardedAlsTrainer(Options).TrainAsync(shards, null).GetAwaiter().GetResult().Model;
    }

    private int ShardOf(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id) hash = (hash ^ c) * 16777619u;
        return (int)(hash % (uint)Shards);
    }
}
