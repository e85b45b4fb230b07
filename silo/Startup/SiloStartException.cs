namespace OnlineRec.Silo.Startup;

/// <summary>
/// Why the silo cannot start, as one line for the operator (Program prints it and exits with <see cref="ExitCode"/>,
/// no stack trace): a bad setting, or a port or data directory another silo holds.
/// </summary>
public sealed class SiloStartException(string message, int exitCode) : Exception(message)
{
    /// <summary>Exit code when another process holds a port or the data directory.</summary>
    public const int InUse = 1;

    /// <summary>Exit code for a bad setting, an unknown setting or an unknown command-line switch.</summary>
    public const int BadConfiguration = 2;

    public int ExitCode { get; } = exitCode;
}
