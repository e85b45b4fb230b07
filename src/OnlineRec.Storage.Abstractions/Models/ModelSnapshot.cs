using OnlineRec.Core.Model;

namespace OnlineRec.Storage.Models;

/// <summary>
/// An installed model version. <paramref name="MetadataJson"/> holds hyperparameters and metrics as the trainer chose
/// to describe them (stored verbatim).
/// </summary>
public sealed record ModelSnapshot(long Version, DateTimeOffset CreatedAt, long TrainedUpToSequence, string MetadataJson, MfModel Model);

/// <summary>A stored version's description without its factors.</summary>
public sealed record ModelSnapshotInfo(
    long Version, DateTimeOffset CreatedAt, long TrainedUpToSequence, string MetadataJson,
    int Factors, int UserCount, int ItemCount, long PayloadBytes);
