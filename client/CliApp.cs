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
}
