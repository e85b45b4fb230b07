namespace OnlineRec.Grains.Options;

/// <summary>How grains keep their state (section "Learning").</summary>
public sealed class LearningOptions
{
    public const string Section = "Learning";

    /// <summary>Dirty grain state is written at most this often (write-behind); a crash loses at most this much, which the log restores.</summary>
    public TimeSpan WriteBehindInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Partitions of the rating stream; each is consumed by one partition grain.</summary>
    public int StreamPartitions { get; set; } = Abstractions.StreamNames.DefaultPartitions;

    /// <summary>Largest batch a single ingest call may carry.</summary>
    public int MaxBatchSize { get; set; } = 50_000;
}
