using System.Diagnostics;
using System.Text;

namespace OnlineRec.Api.Tests;

/// <summary>
/// The silo binary copied beside the tests (<c>dotnet OnlineRec.Silo.dll …</c>) as a process of its own, in a
/// working directory of the test's choosing, with its console output captured.
/// </summary>
public sealed class SiloCommand : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private SiloCommand(Process process) => _process = process;

    public static string SiloAssembly => Path.Combine(AppContext.BaseDirectory, "OnlineRec.Silo.dll");

    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }
    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;

    public static SiloCommand Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloAssembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Two cores shared with other work: workstation GC keeps a short-lived silo lean.
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var command = new SiloCommand(process);
        process.OutputDataReceived += (_, e) => Append(command._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(command._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return command;
    }

    /// <summary>Runs the silo until it exits by itself (a refused start); a silo still running after the timeout is killed and reported.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunToExitAsync(
        string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var command = Start(workingDirectory, args, environment);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await command._process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The silo did not exit within 60 s (it started instead of refusing).\n{command.StandardOutput}\n{command.StandardError}");
        }
        command._process.WaitForExit(); // drains the redirected output
        return (command._process.ExitCode, command.StandardOutput, command.StandardError);
    }

    public async Task WaitForHealthAsync(Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The silo exited ({_process.ExitCode}).\n{StandardOutput}\n{StandardError}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The silo did not answer /health within 90 s.\n{StandardOutput}\n{StandardError}");
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null) return;
        lock (buffer) buffer.AppendLine(line);
    }
}
