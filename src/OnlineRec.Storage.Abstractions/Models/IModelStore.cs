namespace OnlineRec.Storage.Models;

/// <summary>
/// Installed model versions: the reconciler saves version V+1 after a retrain on the log up to
/// <see cref="ModelSnapshot.TrainedUpToSequence"/>; a starting silo loads the latest and replays the log after it.
/// Only the newest N versions are kept.
/// </summary>
public interface IModelStore : IAsyncDisposable
{
    /// <summary>Stores a new version durably and prunes the oldest beyond the retention count.</summary>
    /// <exception cref="InvalidOperationException">That version number is already stored.</exception>
    Task SaveAsync(ModelSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The highest stored version, or null when none was ever saved.</summary>
    Task<ModelSnapshot?> LoadLatestAsync(CancellationToken cancellationToken = default);

    /// <summary>A specific version, or null when it is not (or no longer) stored.</summary>
    Task<ModelSnapshot?> LoadAsync(long version, CancellationToken cancellationToken = default);

    /// <summary>What is stored, newest first, without loading the models.</summary>
    Task<IReadOnlyList<ModelSnapshotInfo>> GetVersionsAsync(CancellationToken cancellationToken = default);
}
