using OnlineRec.Client.Http;
using Spectre.Console;

namespace OnlineRec.Client;

/// <summary>Process exit codes of the platform commands.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The server refused a request, could not be reached, or answered nonsense.</summary>
    public const int ServerError = 1;

    /// <summary>
    /// Bad input: a command line that does not parse (unknown command or option, mistyped flag, value out of range), a
    /// malformed line (file:line in the message), a missing file, unusable options.
    /// </summary>
    public const int DataError = 2;

    /// <summary>The command ran but a requested threshold was not met (e.g. score --max-rmse).</summary>
    public const int ThresholdNotMet = 3;
}

/// <summary>
/// What commands write to, how they reach the server and which environment they read. Tests pass plain string-backed
/// consoles, their own environment variables and, where they fake the network, an HTTP handler; the real program uses
/// stdout/stderr, the process environment and sockets.
/// </summary>
/// <param name="variables">Environment variables; null reads the process's.</param>
public sealed class CliContext(IAnsiConsole output, IAnsiConsole errors, Func<HttpMessageHandler>? httpHandler = null,
    IReadOnlyDictionary<string, string>? variables = null)
{
    public IAnsiConsole Output { get; } = output;
    public IAnsiConsole Errors { get; } = errors;

    public static CliContext ForConsole()
    {
        var output = AnsiConsole.Console;
        var errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Redirected to a file or pipe there is no window to fit: don't wrap tables at 80 columns.
        if (Console.IsOutputRedirected) output.Profile.Width = 200;
        if (Console.IsErrorRedirected) errors.Profile.Width = 200;
        return new CliContext(output, errors);
    }

    /// <summary>An environment variable's value, or null when it is not set.</summary>
    public string? Variable(string name) => variables is null ? Environment.GetEnvironmentVariable(name) : variables.GetValueOrDefault(name);

    /// <summary>Live displays (progress bars, live tables) only where a person watches a terminal.</summary>
    public bool IsInteractive => Output.Profile.Capabilities.Interactive && Output.Profile.Capabilities.Ansi;

    public OnlineRecHttpClient CreateHttpClient(Uri url, TimeSpan? timeout = null) => new(url, timeout, httpHandler?.Invoke());

    /// <summary>Prints "error: …" on the error console and returns <paramref name="exitCode"/>.</summary>
    public int Fail(string message, int exitCode)
    {
        Errors.MarkupLineInterpolated($"[red]error:[/] {message}");
        return exitCode;
    }
}
