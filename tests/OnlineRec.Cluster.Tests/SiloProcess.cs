using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OnlineRec.Cluster.Tests;

/// <summary>
/// One silo as a real operating-system process (<c>dotnet OnlineRec.Silo.dll --cluster postgres …</c>) on loopback
/// with free ports; its console output goes to a log file. <see cref="Kill"/> is SIGKILL: no shutdown hooks, no
/// membership goodbye, no flush of written-behind grain state.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _logClosed;

    private SiloProcess(string name, int siloPort, int gatewayPort, Uri http, string logPath, Process process, StreamWriter log)
    {
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Http = http;
        LogPath = logPath;
        _process = process;
        _log = log;
    }

    public string Name { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public Uri Http { get; }
    public string LogPath { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public bool WasKilled { get; private set; }

    /// <summary>The silo build copied beside the tests by the project reference.</summary>
    public static string SiloAssembly => Path.Combine(AppContext.BaseDirectory, "OnlineRec.Silo.dll");

    public static SiloProcess Start(string name, string connectionString, string clusterId, string workDirectory, IEnumerable<string> extraArgs)
    {
        if (!File.Exists(SiloAssembly)) throw new FileNotFoundException("The silo was not built beside the tests.", SiloAssembly);
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, name)).FullName;
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var http = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])
                 [
                     SiloAssembly,
                     "--cluster", "postgres",
                     "--connection", connectionString,
                     "--cluster-id", clusterId,
                     "--silo-name", name,
                     "--silo-port", siloPort.ToString(),
                     "--gateway-port", gatewayPort.ToString(),
                     "--urls", http.ToString().TrimEnd('/'),
                     .. extraArgs,
                 ])
            start.ArgumentList.Add(arg);
        // Three silos share two cores with other work: workstation GC (as the container image sets) keeps each lean.
        start.Environment["DOTNET_gcServer"] = "0";

        var logPath = Path.Combine(directory, "silo.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(name, siloPort, gatewayPort, http, logPath, process, log);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>SIGKILL (Process.Kill on Unix), then waits for the process to be gone.</summary>
    public void Kill()
    {
        WasKilled = true;
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    /// <summary>The last lines of the silo's output, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        lock (_logLock)
        {
            if (!_logClosed) _log.Flush();
        }
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return $"--- {Name} (pid {_process.Id}{(HasExited ? $", exited {_process.ExitCode}" : "")}) {LogPath} ---\n"
                   + string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"--- {Name}: log unreadable ({ex.Message}) ---";
        }
    }

    /// <summary>Lines of the silo's output that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LogLinesContaining(string text)
    {
        lock (_logLock)
        {
            if (!_logClosed) _log.Flush();
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            if (!_logClosed) _log.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not ours to wait for any longer.
        }
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
