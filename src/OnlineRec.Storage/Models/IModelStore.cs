using OnlineRec.Core.Model;

namespace OnlineRec.Storage.Models;

/// <summary>An installed model version: the factors plus where in the rating log its training data ended.</summary>
public sealed record ModelSnapshot(int Version, DateTimeOffset CreatedAt, long SnapshotSequence, string Algorithm, MfModel Model);

/// <summary>Durable store of installed model versions (the newest is the one every silo serves).</summary>
public interface IModelStore
{
    Task SaveAsync(ModelSnapshot snapshot, int keepVersions, CancellationToken cancellationToken = default);

    Task<int?> GetLatestVersionAsync(CancellationToken cancellationToken = default);

    Task<ModelSnapshot?> LoadAsync(int version, CancellationToken cancellationToken = default);
}
