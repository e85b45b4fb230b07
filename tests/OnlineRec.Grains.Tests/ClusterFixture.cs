using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Grains;
using OnlineRec.Grains.Hosting;
using OnlineRec.Sdk;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite;
using OnlineRec.Storage.Sqlite.Models;
using OnlineRec.Storage.Sqlite.RatingLog;
using Orleans.TestingHost;

namespace OnlineRec.Grains.Tests;

/// <summary>
/// Two silos in one process sharing one embedded store (a temp directory), as in a small cluster on one machine.
/// One cluster per test collection: deploying costs seconds.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "onlinerec-grains-" + Guid.NewGuid().ToString("N"));

    public TestCluster Cluster { get; private set; } = null!;

    public OnlineRecClient Client => new(Cluster.Client);

    // The embedded SQLite log admits one writer process, as a single embedded silo has; the two in-process silos
    // therefore share one instance (registered as an instance, so neither silo's container disposes it).
    internal static IRatingLog SharedLog { get; private set; } = null!;
    internal static IModelStore SharedModels { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var storage = new SqliteStorageOptions { DataDirectory = DataDirectory };
        SharedLog = new SqliteRatingLog(storage);
        SharedModels = new SqliteModelStore(storage);
        var builder = new TestClusterBuilder(2);
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Model:Factors"] = "8",
            ["Model:ModelPollInterval"] = "00:00:00.200",
            ["Learning:WriteBehindInterval"] = "00:00:00.500",
            ["Reconciler:Period"] = "00:00:00",
            ["Reconciler:Iterations"] = "5",
            // Long enough that a cached top list never expires mid-test; invalidation by row/version is what's tested.
            ["Serving:RecommendationMaxAge"] = "01:00:00",
        }));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await SharedLog.DisposeAsync();
        await SharedModels.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a handle for a moment; a temp directory left behind is harmless.
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddSingleton(SharedLog);
            siloBuilder.Services.AddSingleton(SharedModels);
            var dataDirectory = siloBuilder.Configuration["Storage:DataDirectory"]!;
            siloBuilder.AddSqliteGrainStorage(GrainStorageNames.State, o => o.DataDirectory = dataDirectory);
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.AddOnlineRec(siloBuilder.Configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
