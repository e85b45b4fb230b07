using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;
using OnlineRec.Storage.Models;

namespace OnlineRec.Grains.Model;

/// <summary>
/// This silo's view of the installed model version. Polls the model store so every silo adopts a new version within
/// <see cref="ModelOptions.ModelPollInterval"/>; the reconciler's silo and grains that see a newer version in a message
/// call <see cref="RefreshAsync"/> to adopt it at once. Swapping is a single reference write, so reads never stop.
/// </summary>
public sealed class ModelCatalog(
    IModelStore store,
    ItemFactorIndex itemIndex,
    IOptions<ModelOptions> options,
    ILogger<ModelCatalog> logger) : BackgroundService, IModelCatalog
{
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private volatile InstalledModel _current = new(0, 0, PriorMean(options.Value), null);

    public InstalledModel Current => _current;

    /// <summary>Loads the newest stored version if it is newer than the current one.</summary>
    public async Task<InstalledModel> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            var versions = await store.GetVersionsAsync(cancellationToken);
            if (versions.Count == 0 || versions.Max(v => v.Version) <= _current.Version) return _current;
            var snapshot = await store.LoadLatestAsync(cancellationToken);
            if (snapshot is null || snapshot.Version <= _current.Version) return _current;
            if (snapshot.Model.Factors != options.Value.Factors)
            {
                logger.LogError("Model version {Version} has k={Stored}, but this silo is configured with k={Configured}; not installing it.",
                    snapshot.Version, snapshot.Model.Factors, options.Value.Factors);
                return _current;
            }
            var installed = new InstalledModel(checked((int)snapshot.Version), snapshot.TrainedUpToSequence, snapshot.Model.GlobalMean, snapshot.Model);
            itemIndex.Load(snapshot.Model, installed.Version);
            _current = installed;
            logger.LogInformation("Installed model version {Version} (trained through sequence {Sequence}, {Users} users, {Items} items).",
                installed.Version, installed.SnapshotSequence, snapshot.Model.UserCount, snapshot.Model.ItemCount);
            return installed;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Makes sure at least <paramref name="version"/> is installed here (a message mentioned it).</summary>
    public async Task<InstalledModel> EnsureVersionAsync(int version, CancellationToken cancellationToken = default)
    {
        var current = _current;
        return current.Version >= version ? current : await RefreshAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not check the model store for a new version; will retry.");
            }
            try
            {
                await Task.Delay(options.Value.ModelPollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static float PriorMean(ModelOptions options) =>
        options.PriorGlobalMean ?? (float)options.ParsedScale().Midpoint;
}
