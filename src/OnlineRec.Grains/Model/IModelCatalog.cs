namespace OnlineRec.Grains.Model;

/// <summary>
/// The installed model version as learners see it (<see cref="ModelCatalog"/> on a silo): the current one, and a way
/// to catch up with a newer one that a message mentioned.
/// </summary>
public interface IModelCatalog
{
    InstalledModel Current { get; }

    /// <summary>Makes sure at least <paramref name="version"/> is installed here, if the store has it.</summary>
    Task<InstalledModel> EnsureVersionAsync(int version, CancellationToken cancellationToken = default);
}
