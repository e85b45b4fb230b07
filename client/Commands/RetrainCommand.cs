using System.CommandLine;
using OnlineRec.Client.Http;
using OnlineRec.Client.Output;
using Spectre.Console;

namespace OnlineRec.Client.Commands;

/// <summary><c>onlinerec retrain [--wait]</c>: starts a global ALS retrain (POST /model/retrain) and optionally waits for its report.</summary>
public static class RetrainCommand
{
    public static Command Create(CliContext context)
    {
        var url = CommonOptions.Url(context);
        var wait = new Option<bool>("--wait") { Description = "Wait until the retrain finished and print its report." };
        var timeout = CommonOptions.PositiveSeconds("--wait-timeout", 600, "Seconds to wait with --wait.");
        var command = new Command("retrain", "Start a global ALS retrain; with --wait, wait for the new model version.") { wait, url, timeout };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = parse.GetValue(url)!;
            return CommandErrors.RunAsync(context, target, async () =>
            {
                using var http = context.CreateHttpClient(target);
                var before = await http.GetModelAsync(cancellationToken);
                var accepted = await http.RetrainAsync(cancellationToken);
                if (accepted.Started)
                    context.Output.MarkupLineInterpolated($"retrain started (installed version {before.Version}, {before.Ratings:N0} ratings logged)");
                else
                    context.Output.MarkupLineInterpolated($"a retrain is already running; {(parse.GetValue(wait) ? "waiting for it" : "not starting another")}");
                if (!parse.GetValue(wait)) return ExitCodes.Ok;

                var waitFor = TimeSpan.FromSeconds(parse.GetValue(timeout));
                var after = await (context.IsInteractive
                    ? context.Output.Status().StartAsync("training…", _ => RetrainWaiter.WaitAsync(http, before.LastRetrain, waitFor, TimeSpan.FromMilliseconds(250), cancellationToken))
                    : RetrainWaiter.WaitAsync(http, before.LastRetrain, waitFor, TimeSpan.FromMilliseconds(250), cancellationToken));
                var report = after.LastRetrain!;
                context.Output.Write(ModelTables.Retrain(report));
                if (report.Error is not null) return context.Fail($"the retrain failed: {report.Error}", ExitCodes.ServerError);
                context.Output.MarkupLineInterpolated($"model version [bold]{after.Version}[/] installed");
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
