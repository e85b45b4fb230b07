using System.CommandLine;
using OnlineRec.Client.Commands;

namespace OnlineRec.Client;

/// <summary>The onlinerec command tree. Program.cs runs it on the real console; tests run it on string consoles.</summary>
public static class CliApp
{
    public static RootCommand CreateRoot(CliContext context) => new("onlinerec — real-time matrix-factorisation recommender: platform commands and offline evaluation.")
    {
        IngestCommand.Create(context),
        PredictCommand.Create(context),
        ItemListCommands.Recommend(context),
        ItemListCommands.Similar(context),
        RetrainCommand.Create(context),
        StatsCommand.Create(context),
        ScoreCommand.Create(context),
        DemoCommand.Create(context),
        EvaluateCommand.Create(context.Output, context.Errors),
    };

    /// <summary>
    /// Parses and runs a command line. One that does not parse (an unknown command or option, a mistyped flag, a value
    /// out of range) runs nothing and exits with <see cref="ExitCodes.DataError"/> after the parser has said what is
    /// wrong: it is bad input like a bad file, and scripts must be able to tell it from a server that refused.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, InvocationConfiguration? configuration = null)
    {
        // After Ctrl+C a command gets this long to finish before the process ends: enough for the demo's own silo to stop
        // and delete its data directory (the default, 2 s, is not).
        configuration ??= new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
        var parse = root.Parse(args);
        var exit = await parse.InvokeAsync(configuration);
        return parse.Errors.Count > 0 ? ExitCodes.DataError : exit;
    }
}
