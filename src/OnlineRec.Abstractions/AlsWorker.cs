using Orleans.Concurrency;

namespace OnlineRec.Abstractions;

/// <summary>How a worker solves rows: the reconciler's ALS settings (scalings are Core's RegularizationScaling values).</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.als-solve-settings")]
public sealed record AlsSolveSettings(int Factors, float FactorLambda, float BiasLambda, int FactorScaling, int BiasScaling, int MaxDegreeOfParallelism);

/// <summary>One retrain's assignment of a shard: the log snapshot to read up to and how many shards there are.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.als-shard-assignment")]
public sealed record AlsShardAssignment(Guid RetrainId, long SnapshotSequence, int ShardCount, AlsSolveSettings Settings);

/// <summary>Ids a shard owns with the sequence each first appears at (parallel arrays).</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.als-shard-ids")]
public sealed record AlsShardIds(string[] Ids, long[] FirstSeen);

/// <summary>What a worker loaded: the users and items it owns, and its part of the global mean (sum and count).</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.als-shard-summary")]
public sealed record AlsShardSummary(AlsShardIds Users, AlsShardIds Items, double ValueSum, long Ratings);

/// <summary>The retrain's id → row maps, in row order; the same for every worker.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.als-id-maps")]
public sealed record AlsIdMaps(Guid RetrainId, string[] Users, string[] Items);

/// <summary>The fixed side of a half-step, sent whole to every worker: k floats per row, one bias per row, and μ.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.als-fixed-side")]
public sealed record AlsFixedSide(Guid RetrainId, float[] Factors, float[] Bias, float GlobalMean);

/// <summary>
/// A worker's solved rows in one block: global row indices, k factors per row, biases. FailedRows: positions whose
/// system was not positive definite (the coordinator keeps their old values). SquaredError/Ratings: training error.
/// </summary>
[GenerateSerializer, Immutable, Alias("onlinerec.als-row-block")]
public sealed record AlsRowBlock(int[] Rows, float[] Factors, float[] Bias, int[] FailedRows, double SquaredError, long Ratings);

/// <summary>
/// One shard of a distributed ALS retrain (key = shard index). The reconciler drives it: Prepare (read the shard's
/// ratings from the log), Bind (lay them out on the id maps), then SolveUsers/SolveItems once per half-step, Finish.
/// Every call carries the retrain id; a worker holding another retrain's data (or none, after a silo loss moved it)
/// refuses, so a retrain never mixes data of two snapshots. Calls are bounded by the reconciler's own timeout; the
/// response timeout here only keeps Orleans' default (30 s) from cutting a long solve short.
/// </summary>
[Alias("onlinerec.als-worker")]
public interface IAlsWorkerGrain : IGrainWithIntegerKey
{
    [Alias("Prepare"), ResponseTimeout("01:00:00")]
    Task<AlsShardSummary> Prepare(AlsShardAssignment assignment);

    [Alias("Bind"), ResponseTimeout("01:00:00")]
    Task Bind(AlsIdMaps maps);

    [Alias("SolveUsers"), ResponseTimeout("01:00:00")]
    Task<AlsRowBlock> SolveUsers(AlsFixedSide items);

    [Alias("SolveItems"), ResponseTimeout("01:00:00")]
    Task<AlsRowBlock> SolveItems(AlsFixedSide users);

    /// <summary>Drops the retrain's data and deactivates (no-op for another retrain id).</summary>
    [Alias("Finish")]
    Task Finish(Guid retrainId);
}
