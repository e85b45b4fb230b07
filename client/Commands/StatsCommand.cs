using System.CommandLine;
using OnlineRec.Client.Output;

namespace OnlineRec.Client.Commands;

/// <summary><c>onlinerec stats</c>: the model's version, counts and reconciler status (GET /model).</summary>
public static class StatsCommand
{
    public static Command Create(CliContext context)
    {
        var url = CommonOptions.Url(context);
        var command = new Command("stats", "Show the installed model version, rating/user/item counts and retrain status.") { url };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = parse.GetValue(url)!;
            return CommandErrors.RunAsync(context, target, async () =>
            {
                using var http = context.CreateHttpClient(target);
                var model = await http.GetModelAsync(cancellationToken);
                context.Output.Write(ModelTables.Status(model));
                if (model.LastRetrain is { } last) context.Output.Write(ModelTables.Retrain(last));
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
