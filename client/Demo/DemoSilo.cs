using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using OnlineRec.Silo;
using Spectre.Console;

namespace OnlineRec.Client.Demo;

/// <summary>
/// The demo's own silo, in this process: the platform's real host (<see cref="SiloHost"/>, embedded SQLite) on free
/// loopback ports and a fresh temporary data directory, stopped and deleted on dispose. The demo's synthetic users and
/// items then never mix with the data of a silo the user runs, and nothing of the demo is left behind.
/// </summary>
public sealed class DemoSilo : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;

    private DemoSilo(WebApplication app, Uri url, string dataDirectory)
    {
        _app = app;
        Url = url;
        DataDirectory = dataDirectory;
    }

    public Uri Url { get; }

    public string DataDirectory { get; }

    /// <param name="errors">Where the silo's errors go (its routine log stays quiet: the demo's table is the output).</param>
    public static async Task<DemoSilo> StartAsync(IAnsiConsole errors, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "onlinerec-demo-" + Guid.NewGuid().ToString("N")[..12]);
        var (httpPort, siloPort, gatewayPort) = FreePorts();
        var url = new Uri($"http://127.0.0.1:{httpPort}");
        WebApplication app;
        try
        {
            app = Build(url, dataDirectory, siloPort, gatewayPort, errors);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DeleteData(dataDirectory);
            throw new DemoSiloException($"the demo's own silo could not be set up: {ex.GetBaseException().Message}", ex);
        }
        try
        {
            await app.StartAsync(cancellationToken);
            return new DemoSilo(app, url, dataDirectory);
        }
        catch (Exception ex)
        {
            await app.DisposeAsync();
            DeleteData(dataDirectory);
            if (ex is OperationCanceledException) throw;
            throw new DemoSiloException($"the demo's own silo did not start: {ex.GetBaseException().Message}", ex);
        }
    }

    private static WebApplication Build(Uri url, string dataDirectory, int siloPort, int gatewayPort, IAnsiConsole errors) =>
        SiloHost.Build(
        [
            // The tool's own directory, not wherever the demo is run from: the silo's defaults, no stray appsettings.json.
            "--contentRoot", AppContext.BaseDirectory,
            "--urls", url.ToString().TrimEnd('/'),
            "--data-dir", dataDirectory,
            "--silo-port", siloPort.ToString(),
            "--gateway-port", gatewayPort.ToString(),
            // One embedded silo whatever the environment says (Cluster__Mode=Postgres would join a real cluster).
            "--cluster", "embedded",
        ], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new ErrorLog(errors));
        });

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stopping = new CancellationTokenSource(StopTimeout);
            await _app.StopAsync(stopping.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            DeleteData(DataDirectory);
        }
    }

    private static void DeleteData(string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>Three distinct free loopback ports (held open together, so none is handed out twice).</summary>
    private static (int Http, int Silo, int Gateway) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners) listener.Start();
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    /// <summary>The silo's errors on the CLI's error console; everything below Error stays quiet.</summary>
    private sealed class ErrorLog(IAnsiConsole errors) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (errors) errors.MarkupLineInterpolated($"[red]demo silo:[/] {formatter(state, exception)}{(exception is null ? "" : " (" + exception.GetBaseException().Message + ")")}");
        }

        public void Dispose() { }
    }
}

/// <summary>The demo's own silo could not be built or started (the message says why).</summary>
public sealed class DemoSiloException(string message, Exception inner) : Exception(message, inner);
