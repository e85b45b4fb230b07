using System.CommandLine;
using OnlineRec.Client.Commands;

// Wiring only: each command lives in its own file under Commands/.
var root = new RootCommand("onlinerec — real-time matrix-factorisation recommender: tools and offline evaluation.");
root.Subcommands.Add(EvaluateCommand.Create());
return await root.Parse(args).InvokeAsync();
