using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OnlineRec.Storage.Postgres.Schema;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Placement;
using Orleans.Runtime;

namespace OnlineRec.Storage.Postgres.Tests;

[Alias("onlinerec.tests.IPostgresProbeGrain")]
public interface IPostgresProbeGrain : IGrainWithStringKey
{
    [Alias("Increment")] Task<int> Increment();
    [Alias("Read")] Task<int> Read();
    [Alias("SiloName")] Task<string> SiloName();
    [Alias("StartReminder")] Task StartReminder();
    [Alias("StopReminder")] Task StopReminder();
    [Alias("Clear")] Task Clear();
}

[GenerateSerializer, Alias("onlinerec.tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)] public int Count { get; set; }
}

// Random placement: the test spreads grains over both silos on purpose; the default (resource-optimised) placement
// keeps activations local until it has the other silo's load statistics.
[RandomPlacement]
public sealed class PostgresProbeGrain([PersistentState("probe", OrleansAdoNetTests.StorageName)] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo) : Grain, IPostgresProbeGrain, IRemindable
{
    public async Task<int> Increment()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> Read() => Task.FromResult(state.State.Count);
    public Task<string> SiloName() => Task.FromResult(silo.Name);
    public Task StartReminder() => this.RegisterOrUpdateReminder("probe", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));

    public async Task StopReminder()
    {
        var reminder = await this.GetReminder("probe") ?? throw new InvalidOperationException("The reminder was not found.");
        await this.UnregisterReminder(reminder);
    }

    public Task Clear() => state.ClearStateAsync();
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

/// <summary>
/// The Orleans half of the migration against real silos: two silos in this process form a cluster through the
/// ADO.NET membership table, keep grain state in it and register reminders in it; a third silo started after both
/// stopped reads the state back. This is what proves our SQL honours the Orleans 10.4.2 query contract.
/// </summary>
public sealed class OrleansAdoNetTests
{
    public const string StorageName = "pg";

    [PostgresFact]
    public async Task Two_silos_form_a_cluster_share_grain_state_and_reminders_and_a_later_silo_reads_the_state()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var clusterId = "c" + Guid.NewGuid().ToString("N")[..8];
        var grains = Enumerable.Range(0, 24).Select(i => $"probe-{i}").ToArray();

        using (var siloA = await StartSiloAsync(db, clusterId, "silo-a"))
        using (var siloB = await StartSiloAsync(db, clusterId, "silo-b"))
        {
            Assert.Equal(2L, await db.ScalarAsync<long>(
                $"SELECT count(*) FROM {db.Options.OrleansSchema}.OrleansMembershipTable WHERE DeploymentId = '{clusterId}' AND Status = 3;"));

            // The table says both are active; silo A's own membership view catches up on its next refresh. Place
            // grains only once A can see B, or every grain lands on A.
            var membership = siloA.Services.GetRequiredService<IClusterMembershipService>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "silo A never saw silo B as active");
                await membership.Refresh();
                await Task.Delay(200);
            }

            var factory = siloA.Services.GetRequiredService<IGrainFactory>();
            var hosts = new HashSet<string>();
            foreach (var id in grains)
            {
                var grain = factory.GetGrain<IPostgresProbeGrain>(id);
                Assert.Equal(1, await grain.Increment());
                Assert.Equal(2, await grain.Increment());
                hosts.Add(await grain.SiloName());
            }
            Assert.Equal(["silo-a", "silo-b"], hosts.Order()); // both silos activated (and persisted) grains

            var cleared = factory.GetGrain<IPostgresProbeGrain>(grains[0]);
            await cleared.Clear();
            Assert.Equal(1, await cleared.Increment());

            var reminded = factory.GetGrain<IPostgresProbeGrain>(grains[1]);
            await reminded.StartReminder();
            await reminded.StartReminder(); // the upsert path
            Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {db.Options.OrleansSchema}.OrleansRemindersTable;"));
            await reminded.StopReminder();
            Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM {db.Options.OrleansSchema}.OrleansRemindersTable;"));

            await siloB.StopAsync();
            await siloA.StopAsync();
        }

        Assert.Equal((long)grains.Length, await db.ScalarAsync<long>($"SELECT count(*) FROM {db.Options.OrleansSchema}.OrleansStorage;"));
        using var siloC = await StartSiloAsync(db, clusterId, "silo-c");
        var later = siloC.Services.GetRequiredService<IGrainFactory>();
        Assert.Equal(1, await later.GetGrain<IPostgresProbeGrain>(grains[0]).Read());
        foreach (var id in grains.Skip(1)) Assert.Equal(2, await later.GetGrain<IPostgresProbeGrain>(id).Read());
        await siloC.StopAsync();
    }

    private static async Task<IHost> StartSiloAsync(PostgresTestDatabase db, string clusterId, string name)
    {
        var connectionString = db.OrleansConnectionString;
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = "onlinerec-tests";
                });
                silo.Configure<SiloOptions>(o => o.SiloName = name);
                silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresSchema.OrleansInvariant;
                    o.ConnectionString = connectionString;
                });
                silo.AddAdoNetGrainStorage(StorageName, o =>
                {
                    o.Invariant = PostgresSchema.OrleansInvariant;
                    o.ConnectionString = connectionString;
                });
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = PostgresSchema.OrleansInvariant;
                    o.ConnectionString = connectionString;
                });
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
