using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OnlineRec.Sdk;

namespace OnlineRec.LoadGen;

/// <summary>
/// An Orleans client connected to a local silo's gateway (localhost clustering, as <c>dotnet run --project silo</c>
/// starts it), with the typed <see cref="OnlineRecClient"/> on top. Dispose to disconnect.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    public const int DefaultGatewayPort = 30000;

    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<OnlineRecClient>();
        Cluster = host.Services.GetRequiredService<IClusterClient>();
    }

    public OnlineRecClient Client { get; }

    /// <summary>The raw cluster client, for grain calls the typed client does not offer (the load generator's drain probe).</summary>
    public IClusterClient Cluster { get; }

    public static Task<ClusterConnection> ConnectAsync(int gatewayPort, CancellationToken cancellationToken = default) =>
        ConnectAsync(b => b.AddOnlineRecLocalClient(gatewayPort), $"an OnlineRec gateway on 127.0.0.1:{gatewayPort}",
            "Is the silo running (dotnet run --project silo)?", cancellationToken);

    /// <summary>Connects to a PostgreSQL-backed cluster, finding its gateways in the membership table.</summary>
    public static Task<ClusterConnection> ConnectToPostgresClusterAsync(string connectionString, string clusterId, CancellationToken cancellationToken = default) =>
        ConnectAsync(b => b.AddOnlineRecClusterClient(connectionString, clusterId), $"OnlineRec cluster '{clusterId}'",
            "Are its silos running with --cluster postgres and the same --cluster-id and database?", cancellationToken);

    private static async Task<ClusterConnection> ConnectAsync(Action<HostApplicationBuilder> configure, string what, string hint,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders(); // the CLI reports failures itself; Orleans' chatter would garble the tables
        configure(builder);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnavailableException(
                $"Could not connect to {what} ({ex.GetBaseException().Message}). {hint}", ex);
        }
        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }
}

public sealed class ClusterUnavailableException(string message, Exception inner) : Exception(message, inner);
