using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OnlineRec.Sdk;

namespace OnlineRec.Cluster.Tests;

/// <summary>
/// Silo processes sharing one PostgreSQL database (one cluster id), plus a .NET client that finds their gateways in
/// the membership table, and the membership/placement look-ups the kill test needs.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    // Orleans' SiloStatus values as stored in OrleansMembershipTable.Status.
    public const int Active = 3;
    public const int Dead = 6;

    private readonly List<SiloProcess> _silos = [];
    private IHost? _clientHost;

    private LocalCluster(ThrowawayDatabase database, string clusterId, string workDirectory)
    {
        Database = database;
        ClusterId = clusterId;
        WorkDirectory = workDirectory;
    }

    public ThrowawayDatabase Database { get; }
    public string ClusterId { get; }
    public string WorkDirectory { get; }
    public IReadOnlyList<SiloProcess> Silos => _silos;
    public OnlineRecClient Client { get; private set; } = null!;
    public IClusterClient Orleans { get; private set; } = null!;

    /// <summary>Starts <paramref name="count"/> silos at once (the first to take the migration lock migrates the schema).</summary>
    public static LocalCluster Start(ThrowawayDatabase database, int count, IReadOnlyList<string> siloArgs)
    {
        var workDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "onlinerec-cluster-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var cluster = new LocalCluster(database, "killtest", workDirectory);
        for (var i = 1; i <= count; i++)
        {
            // Each silo's sessions carry its name, so pg_stat_activity tells which silo runs which statements.
            var name = $"silo{i}";
            var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = name }.ConnectionString;
            cluster._silos.Add(SiloProcess.Start(name, connectionString, cluster.ClusterId, workDirectory, siloArgs));
        }
        return cluster;
    }

    public IEnumerable<SiloProcess> Survivors => _silos.Where(s => !s.WasKilled);

    /// <summary>Silo name → Orleans status, latest generation per name.</summary>
    public async Task<Dictionary<string, int>> MembershipAsync()
    {
        await using var connection = await Database.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT siloname, status FROM orleansmembershiptable WHERE deploymentid = @id ORDER BY generation", connection);
        command.Parameters.AddWithValue("id", ClusterId);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) result[reader.GetString(0)] = reader.GetInt32(1);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Not migrated yet: no silo has got that far.
        }
        return result;
    }

    /// <summary>Waits until every named silo is Active in the membership table; fails at once if a silo process exits.</summary>
    public async Task WaitForStatusAsync(IEnumerable<SiloProcess> silos, int status, TimeSpan timeout)
    {
        var names = silos.Select(s => s.Name).ToArray();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var silo in Survivors)
                if (silo.HasExited) throw new InvalidOperationException($"Silo {silo.Name} exited.\n{silo.Tail()}");
            var membership = await MembershipAsync();
            if (names.All(n => membership.TryGetValue(n, out var s) && s == status)) return;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"After {timeout}: membership {string.Join(", ", membership.Select(m => $"{m.Key}={m.Value}"))}, " +
                                           $"waiting for {string.Join(", ", names)} to reach status {status}.\n{Tails()}");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Connects the .NET client the way an application does (AddOnlineRecClusterClient).</summary>
    public async Task ConnectClientAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.AddOnlineRecClusterClient(Database.ConnectionString, ClusterId);
            var host = builder.Build();
            try
            {
                await host.StartAsync();
                _clientHost = host;
                Client = host.Services.GetRequiredService<OnlineRecClient>();
                Orleans = host.Services.GetRequiredService<IClusterClient>();
                return;
            }
            catch (Exception) when (clock.Elapsed < timeout)
            {
                host.Dispose();
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    /// <summary>
    /// The silo that commits the client's rating batches: the one whose database sessions run the log's append
    /// statements, sampled until a few are seen. Orleans sends every call for one grain through one gateway, and the ingest grain
    /// is a stateless worker local to that gateway, so one silo does all the appends (the statistics of
    /// IManagementGrain do not list stateless workers, hence this look-up).
    /// </summary>
    public async Task<SiloProcess?> IngestSiloAsync(TimeSpan sampling)
    {
        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        await using var connection = await Database.OpenAsync();
        while (clock.Elapsed < sampling && hits.Values.Sum() < 20)
        {
            // Statements only the append path runs (see AppendTransaction); reads never match.
            await using var command = new NpgsqlCommand(
                """
                SELECT application_name FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND query ~ '(COPY rating_rows|commit_rating_batches|rating_batch_ids|FROM idempotency_keys WHERE|INSERT INTO log_users)'
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                hits[name] = hits.GetValueOrDefault(name) + 1;
            }
            await reader.DisposeAsync();
            await Task.Delay(50);
        }
        var busiest = hits.OrderByDescending(h => h.Value).Select(h => h.Key).FirstOrDefault();
        return _silos.FirstOrDefault(s => s.Name == busiest);
    }

    /// <summary>The silo process at an Orleans silo address (matched by silo port).</summary>
    public SiloProcess? SiloAt(SiloAddress? address) =>
        address is null ? null : _silos.FirstOrDefault(s => s.SiloPort == address.Endpoint.Port);

    /// <summary>Where the grain is activated now (directory look-up), or null when it is not active.</summary>
    public async Task<SiloProcess?> HostOfAsync(IAddressable grain) =>
        SiloAt(await Management.GetActivationAddress(grain));

    /// <summary>Every activation in the cluster: (grain type, key, silo).</summary>
    public async Task<List<(string Type, string Key, SiloProcess? Silo)>> ActivationsAsync()
    {
        var stats = await Management.GetDetailedGrainStatistics();
        return stats.Select(s => (s.GrainType, s.GrainId.Key.ToString() ?? "", SiloAt(s.SiloAddress))).ToList();
    }

    private IManagementGrain Management => Orleans.GetGrain<IManagementGrain>(0);

    public string Tails(int lines = 30) => string.Join("\n", _silos.Select(s => s.Tail(lines)));

    public async ValueTask DisposeAsync()
    {
        if (_clientHost is not null)
        {
            try
            {
                await _clientHost.StopAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                // The silos go next anyway.
            }
            _clientHost.Dispose();
        }
        foreach (var silo in _silos) await silo.DisposeAsync();
    }
}
