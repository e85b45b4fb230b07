using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Ingestion;
using OnlineRec.Grains.Learning;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Recovery;
using OnlineRec.Grains.Reconciliation;
using OnlineRec.Grains.Serving;
using Orleans.Hosting;

namespace OnlineRec.Grains.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Everything the OnlineRec grains need on a silo except storage (rating log, model store, grain storage named
    /// <see cref="GrainStorageNames.State"/>), which the host chooses: options bound from configuration, the rating
    /// stream, the per-silo model catalog and item replica, the replica broadcast and the ingestion path.
    /// </summary>
    public static ISiloBuilder AddOnlineRec(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddMemoryStreams(StreamNames.Provider, streams =>
        {
            streams.ConfigurePartitioning(8);
            // Consumers are implicit subscribers only, so no pub-sub store is needed.
            streams.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
        });
        silo.AddGrainService<ItemReplicaService>();

        var services = silo.Services;
        services.AddValidatedOptions<ModelOptions, ModelOptionsValidator>(configuration, ModelOptions.Section);
        services.AddValidatedOptions<LearningOptions, LearningOptionsValidator>(configuration, LearningOptions.Section);
        services.AddValidatedOptions<ReconcilerOptions, ReconcilerOptionsValidator>(configuration, ReconcilerOptions.Section);
        services.AddValidatedOptions<ServingOptions, ServingOptionsValidator>(configuration, ServingOptions.Section);
        services.AddValidatedOptions<RecoveryOptions, RecoveryOptionsValidator>(configuration, RecoveryOptions.Section);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ItemFactorIndex(sp.GetRequiredService<IOptions<ModelOptions>>().Value.Factors));
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<UserFactorReplica>();
        services.AddSingleton<RecommendationCache>();
        services.AddSingleton<ServingReads>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelCatalog>());
        services.AddSingleton<IItemReplicaServiceClient, ItemReplicaServiceClient>();
        services.AddSingleton<ItemUpdateBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<ItemUpdateBroadcaster>());
        services.AddSingleton<RatingIngestor>();
        services.AddSingleton<LearningProgress>();
        services.AddSingleton(sp => new GrainReferenceCache<IItemGrain>(sp.GetRequiredService<IGrainFactory>()));
        services.AddSingleton<SiloLearningPorts>();
        services.AddSingleton(sp =>
        {
            var ports = sp.GetRequiredService<SiloLearningPorts>();
            return new UserLearnerServices(sp.GetRequiredService<IOptions<ModelOptions>>().Value, sp.GetRequiredService<ModelCatalog>(),
                ports, ports, sp.GetRequiredService<LearningProgress>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<UserLearner>());
        });
        services.AddHostedService<ReconcilerScheduler>();
        services.AddSingleton<LogReplayer>();
        services.AddHostedService<SiloFailureReplayer>();
        services.AddPlacementDirector<ShardSpreadPlacement, ShardSpreadPlacementDirector>();
        return silo;
    }
}

/// <summary>At start-up, makes sure the reconciler's schedule is registered (idempotent across silos and restarts).</summary>
internal sealed class ReconcilerScheduler(IGrainFactory grains, Microsoft.Extensions.Logging.ILogger<ReconcilerScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; attempt <= 10 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<IAlsReconcilerGrain>(0).EnsureScheduled();
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(logger, ex, "Reconciler schedule not registered yet (attempt {Attempt}).", attempt);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}
