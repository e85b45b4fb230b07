using OnlineRec.Grains;
using OnlineRec.Silo.Options;
using OnlineRec.Storage.Sqlite.Hosting;

namespace OnlineRec.Silo.Hosting;

/// <summary>The default: one silo on this machine, everything in SQLite under Storage:DataDirectory.</summary>
internal static class EmbeddedSilo
{
    public static void AddStorage(IServiceCollection services, IConfiguration configuration) =>
        services.AddOnlineRecSqliteStorage(configuration);

    public static void Configure(ISiloBuilder silo, IConfiguration configuration, SiloClusterOptions cluster)
    {
        silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
        var dataDirectory = configuration["Storage:DataDirectory"] ?? "data";
        silo.AddSqliteGrainStorage(GrainStorageNames.State, o => o.DataDirectory = dataDirectory);
        // One silo: reminders only need to outlive grain deactivation, not the process (the schedule is
        // re-registered at every start by the reconciler scheduler).
        silo.UseInMemoryReminderService();
    }
}
