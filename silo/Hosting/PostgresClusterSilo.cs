using System.Net;
using OnlineRec.Grains;
using OnlineRec.Grains.Options;
using OnlineRec.Silo.Options;
using OnlineRec.Storage.Postgres;
using OnlineRec.Storage.Postgres.Hosting;
using OnlineRec.Storage.Postgres.Schema;
using Orleans.Configuration;
using Orleans.Storage;

namespace OnlineRec.Silo.Hosting;

/// <summary>
/// A silo of a multi-silo cluster on PostgreSQL: Orleans membership, grain state and reminders through the ADO.NET
/// providers, the rating log and model store through OnlineRec.Storage.Postgres, all in one database.
/// </summary>
internal static class PostgresClusterSilo
{
    /// <summary>Rating log, model store and (unless turned off) the start-up migration.</summary>
    public static void AddStorage(IServiceCollection services, IConfiguration configuration, SiloClusterOptions cluster, PostgresStorageOptions storage)
    {
        // Registered before the silo so it runs (and finishes) before the silo joins: hosted services start in order.
        if (cluster.MigrateOnStart) services.AddHostedService(_ => new SchemaMigrationService(storage));
        services.AddOnlineRecPostgresStorage(storage);

        // A grain-state write through Orleans' ADO.NET provider costs far more than through our SQLite provider, and
        // state is a cache of the log (a re-activated grain catches up from it), so cluster mode writes it less often
        // (docs/decisions/0006-write-behind-interval-and-lazy-timers.md).
        if (configuration[$"{LearningOptions.Section}:{nameof(LearningOptions.WriteBehindInterval)}"] is null)
            services.PostConfigure<LearningOptions>(o => o.WriteBehindInterval = ClusterWriteBehindInterval);
    }

    /// <summary>Write-behind interval of grain state in cluster mode unless Learning:WriteBehindInterval is set.</summary>
    public static readonly TimeSpan ClusterWriteBehindInterval = TimeSpan.FromSeconds(20);

    public static void Configure(ISiloBuilder silo, IConfiguration configuration, SiloClusterOptions cluster, PostgresStorageOptions storage)
    {
        var orleansConnection = PostgresConnections.ForOrleans(storage);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        if (!string.IsNullOrWhiteSpace(cluster.SiloName)) silo.Configure<SiloOptions>(o => o.SiloName = cluster.SiloName);
        var address = string.IsNullOrWhiteSpace(cluster.AdvertisedAddress) ? IPAddress.Loopback : IPAddress.Parse(cluster.AdvertisedAddress);
        // Listen on all interfaces when advertising a routable address (containers); on loopback otherwise.
        silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresSchema.OrleansInvariant;
            o.ConnectionString = orleansConnection;
        });
        silo.AddAdoNetGrainStorage(GrainStorageNames.State, options => options.Configure<IServiceProvider>((o, services) =>
        {
            o.Invariant = PostgresSchema.OrleansInvariant;
            o.ConnectionString = orleansConnection;
            // Grain states are [GenerateSerializer] types holding float vectors: the Orleans binary codec is
            // compact and exact where JSON would round-trip floats through text.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>());
        }));
        // Reminders in the database: the reconciler's schedule survives the loss of the silo it ran on.
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = PostgresSchema.OrleansInvariant;
            o.ConnectionString = orleansConnection;
        });
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection("Cluster:Membership"));
    }

    /// <summary>The storage options, or an error that says how to give the connection string.</summary>
    public static PostgresStorageOptions ReadStorageOptions(IConfiguration configuration)
    {
        try
        {
            return PostgresStorageRegistration.ReadOptions(configuration);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(
                $"Cluster mode 'postgres': {ex.Message} Give it with --connection \"Host=…;Username=…;Password=…;Database=…\" (or Storage:Postgres:ConnectionString).", ex);
        }
    }
}

/// <summary>Applies the schema before the silo starts; idempotent and serialised across silos starting together.</summary>
internal sealed class SchemaMigrationService(PostgresStorageOptions options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await PostgresSchema.MigrateAsync(options, includeOrleans: true, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
