using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using OnlineRec.Silo;

namespace OnlineRec.Client.Tests;

/// <summary>
/// The real host (<see cref="SiloHost.Build"/>: Orleans silo + REST API + embedded SQLite) in this test process, on
/// free loopback ports and a temporary data directory. Small factors and no periodic retrain keep it fast.
/// </summary>
public sealed class InProcessSilo : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "onlinerec-cli-e2e-" + Guid.NewGuid().ToString("N"));
    public string Url { get; private set; } = "";
    public int GatewayPort { get; private set; }

    /// <summary>What the silo logged at Warning and above; put it in assertion messages.</summary>
    public CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var httpPort = FreePort();
        GatewayPort = FreePort();
        Url = $"http://127.0.0.1:{httpPort}";
        _app = SiloHost.Build(
        [
            "--urls", Url,
            "--data-dir", DataDirectory,
            "--silo-port", FreePort().ToString(),
            "--gateway-port", GatewayPort.ToString(),
            "--factors", "8",
            "--retrain-period", "00:00:00",
            "--Model:ModelPollInterval", "00:00:00.200",
            "--Logging:LogLevel:Default", "Warning",
        ], builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddProvider(Logs);
        });
        await _app.StartAsync();
        await WarmUpAsync();
    }

    /// <summary>
    /// Touches the reconciler (and through it the rating log, model store and grain storage) once before any test
    /// runs. Without it, a test whose first request activated dozens of user grains at once on the fresh silo stalled
    /// the whole process for ~30 s in about 1 run in 8 (thread-pool timers 27 s late, "message expired before
    /// placement could complete"); with it, 15 of 15 runs were clean. Suspected: the lazily built SQLite singletons
    /// (the rating log's constructor blocks on async work) raced by the activation burst.
    /// </summary>
    private async Task WarmUpAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        (await http.GetAsync("/model")).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
