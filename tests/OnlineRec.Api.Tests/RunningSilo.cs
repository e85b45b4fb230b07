using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace OnlineRec.Api.Tests;

/// <summary>
/// The real host (Orleans silo + REST API, embedded SQLite) on loopback with free ports and its own data directory,
/// driven over real HTTP. Can be stopped and started again on the same directory.
/// </summary>
public sealed class RunningSilo : IAsyncDisposable
{
    private WebApplication? _app;

    private RunningSilo(string dataDirectory, bool ownsDirectory)
    {
        DataDirectory = dataDirectory;
        OwnsDirectory = ownsDirectory;
    }

    public string DataDirectory { get; }
    private bool OwnsDirectory { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public int SiloPort { get; private set; }
    public int GatewayPort { get; private set; }
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The running host's services, for tests that look inside the silo (its replicas, its grains).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The silo is not running.");

    public static async Task<RunningSilo> StartAsync(string? dataDirectory = null, params string[] extraArgs)
    {
        var owns = dataDirectory is null;
        var silo = new RunningSilo(dataDirectory ?? Path.Combine(Path.GetTempPath(), "onlinerec-api-" + Guid.NewGuid().ToString("N")), owns);
        await silo.StartAsync(extraArgs);
        return silo;
    }

    public async Task StartAsync(params string[] extraArgs)
    {
        var httpPort = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}");
        SiloPort = FreePort();
        GatewayPort = FreePort();
        string[] args =
        [
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            "--data-dir", DataDirectory,
            "--silo-port", SiloPort.ToString(),
            "--gateway-port", GatewayPort.ToString(),
            "--factors", "8",
            "--retrain-period", "00:00:00",
            "--Model:ModelPollInterval", "00:00:00.200",
            "--Logging:LogLevel:Default", "Warning",
            .. extraArgs,
        ];
        _app = OnlineRec.Silo.SiloHost.Build(args, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task StopAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (!OwnsDirectory) return;
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
