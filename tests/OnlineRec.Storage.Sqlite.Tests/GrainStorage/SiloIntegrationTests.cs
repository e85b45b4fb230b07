using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;

namespace OnlineRec.Storage.Sqlite.Tests.GrainStorage;

[Alias("OnlineRec.Storage.Sqlite.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    [Alias("Increment")] Task<int> Increment();
    [Alias("Get")] Task<int> Get();
}

[GenerateSerializer, Alias("OnlineRec.Storage.Sqlite.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)] public int Count { get; set; }
}

public sealed class CounterGrain([PersistentState("counter", "sqlite")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> Get() => Task.FromResult(state.State.Count);
}

/// <summary>The provider as a silo sees it: registered by name, state survives a silo restart.</summary>
public sealed class SiloIntegrationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Grain_state_written_through_the_registered_provider_survives_a_silo_restart()
    {
        await using (var silo = await StartSiloAsync())
        {
            var counter = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("c1");
            for (var i = 0; i < 3; i++) await counter.Increment();
            await silo.StopAsync();
        }

        await using var restarted = await StartSiloAsync();
        var again = restarted.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("c1");
        Assert.Equal(3, await again.Get());
        Assert.Equal(4, await again.Increment());
        await restarted.StopAsync();
    }

    private async Task<RunningSilo> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .AddSqliteGrainStorage("sqlite", options => options.DataDirectory = _dir.Path));
        var host = builder.Build();
        await host.StartAsync();
        return new RunningSilo(host);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RunningSilo(IHost host) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;
        public Task StopAsync() => host.StopAsync();
        public ValueTask DisposeAsync()
        {
            host.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
