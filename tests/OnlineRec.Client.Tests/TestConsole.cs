using System.CommandLine;
using Spectre.Console;

namespace OnlineRec.Client.Tests;

/// <summary>
/// Runs a command tree in-process on string-backed consoles (no colours, no live displays) and captures what it
/// printed: the CLI's by default, or another program built on the same plumbing (the load generator).
/// </summary>
public sealed class TestConsole
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _errors = new();
    private readonly Func<CliContext, RootCommand> _root;

    /// <param name="environment">The environment variables the commands see (none unless given), in place of the process's.</param>
    public TestConsole(Func<HttpMessageHandler>? httpHandler = null, Func<CliContext, RootCommand>? root = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Context = new CliContext(Plain(_output), Plain(_errors), httpHandler, environment ?? new Dictionary<string, string>());
        _root = root ?? CliApp.CreateRoot;
    }

    public CliContext Context { get; }
    public string Output => _output.ToString();
    public string Errors => _errors.ToString();

    public static ParseResult Parse(params string[] args) => new TestConsole().ParseArgs(args);

    public ParseResult ParseArgs(params string[] args) => _root(Context).Parse(args);

    public async Task<int> RunAsync(params string[] args)
    {
        var configuration = new InvocationConfiguration { Output = _output, Error = _errors };
        return await CliApp.InvokeAsync(_root(Context), args, configuration);
    }

    private static IAnsiConsole Plain(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }
}
