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
        ], builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
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
