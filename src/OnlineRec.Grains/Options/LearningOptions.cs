namespace OnlineRec.Grains.Options;

/// <summary>How grains keep their state (section "Learning").</summary>
public sealed class LearningOptions
{
    public const string Section = "Learning";

    /// <summary>
    /// Dirty grain state is written at most this often (write-behind); a crash loses at most this much, which the log
    /// restores. Each write serialises the whole state (a user's row and applied sequences), so under steady ingestion
    /// this interval sets how many state writes per second every active grain costs
    /// (docs/decisions/0006-write-behind-interval-and-lazy-timers.md).
    /// </summary>
    public TimeSpan WriteBehindInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Partitions of the rating stream; each is consumed by one partition grain.</summary>
    public int StreamPartitions { get; set; } = Abstractions.StreamNames.DefaultPartitions;

    /// <summary>Largest batch a single ingest call may carry.</summary>
    public int MaxBatchSize { get; set; } = 50_000;
}
