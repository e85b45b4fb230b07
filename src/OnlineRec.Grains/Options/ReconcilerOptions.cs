namespace OnlineRec.Grains.Options;

/// <summary>When and how the ALS reconciler retrains (section "Reconciler").</summary>
public sealed class ReconcilerOptions
{
    public const string Section = "Reconciler";

    /// <summary>Periodic retrain; null or zero disables the schedule (on-demand and count triggers still work).</summary>
    public TimeSpan? Period { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Retrain once this many ratings arrived since the last snapshot; 0 disables.</summary>
    public long EveryNewRatings { get; set; } = 0;

    /// <summary>How often the count trigger is checked while the reconciler is active.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>ALS sweeps per retrain (warm-started from the installed version); null = the trainer's tuned default.</summary>
    public int? Iterations { get; set; }

    /// <summary>
    /// λ on factors for ALS (scaled per row by √n); null = the trainer's default, tuned on MovieLens 100K
    /// (see BENCHMARKS.md, "Accuracy on MovieLens 100K").
    /// </summary>
    public float? Regularization { get; set; }

    /// <summary>λ on biases for ALS; null = the trainer's tuned default.</summary>
    public float? BiasRegularization { get; set; }

    /// <summary>Threads the row solves may use; leaves headroom for serving on small machines. 0 = all cores.</summary>
    public int MaxDegreeOfParallelism { get; set; } = 0;

    /// <summary>
    /// Worker shards the row solves are spread over (one <c>IAlsWorkerGrain</c> each, placed on different silos).
    /// 0 = one per active silo at the start of each retrain.
    /// </summary>
    public int Shards { get; set; } = 0;

    /// <summary>
    /// Bound on every call to a worker (loading its shard, one half-step). A worker whose silo died fails the retrain
    /// after at most this long (usually sooner: Orleans fails calls to a silo once it is declared dead).
    /// </summary>
    public TimeSpan WorkerCallTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
