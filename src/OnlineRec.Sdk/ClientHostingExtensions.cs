using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OnlineRec.Sdk;

public static class ClientHostingExtensions
{
    /// <summary>
    /// Connects to a local OnlineRec silo's gateway (single machine / development) and registers
    /// <see cref="OnlineRecClient"/>. For a cluster, configure Orleans clustering yourself and add the client.
    /// </summary>
    public static IHostApplicationBuilder AddOnlineRecLocalClient(this IHostApplicationBuilder builder, int gatewayPort = 30000,
        CoalescingOptions? coalescing = null)
    {
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort));
        builder.Services.AddSingleton(sp => new OnlineRecClient(sp.GetRequiredService<IClusterClient>(), coalescing ?? new CoalescingOptions()));
        return builder;
    }
}
