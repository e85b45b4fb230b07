using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace OnlineRec.Sdk;

public static class ClientHostingExtensions
{
    /// <summary>
    /// Connects to a local OnlineRec silo's gateway (single machine / development) and registers
    /// <see cref="OnlineRecClient"/>.
    /// </summary>
    public static IHostApplicationBuilder AddOnlineRecLocalClient(this IHostApplicationBuilder builder, int gatewayPort = 30000,
        CoalescingOptions? coalescing = null)
    {
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort).AddGatewayConnectionWatch());
        builder.Services.AddSingleton(sp => new OnlineRecClient(sp.GetRequiredService<IClusterClient>(), coalescing ?? new CoalescingOptions()));
        return builder;
    }

    /// <summary>
    /// Connects to an OnlineRec cluster on PostgreSQL (silos started with <c>--cluster postgres</c>): the gateways are
    /// read from the cluster's membership table, so the client fails over to the surviving silos when one dies.
    /// </summary>
    /// <param name="connectionString">The cluster's database. Its search path must find the Orleans tables (schema <c>public</c> by default).</param>
    /// <param name="clusterId">The silos' Cluster:ClusterId.</param>
    public static IHostApplicationBuilder AddOnlineRecClusterClient(this IHostApplicationBuilder builder, string connectionString,
        string clusterId = "onlinerec", string serviceId = "onlinerec")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            client.AddGatewayConnectionWatch();
        });
        builder.Services.AddSingleton(sp => new OnlineRecClient(sp.GetRequiredService<IClusterClient>(), new CoalescingOptions()));
        return builder;
    }

    /// <summary>
    /// Registers the <see cref="GatewayConnectionWatch"/> that <see cref="OnlineRecClient"/> links its calls to, so a
    /// closing gateway connection ends them at once. For apps that configure their Orleans client themselves.
    /// </summary>
    public static IClientBuilder AddGatewayConnectionWatch(this IClientBuilder client)
    {
        client.Services.AddSingleton<GatewayConnectionWatch>();
        client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayConnectionWatch>());
        return client;
    }
}
