using System.CommandLine;
using Spectre.Console;

namespace OnlineRec.Client.Commands;

/// <summary><c>onlinerec predict USER ITEM</c>: one predicted rating (GET /users/{user}/predictions/{item}).</summary>
public static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Argument<string>("user") { Description = "User id." };
        var item = new Argument<string>("item") { Description = "Item id." };
        var url = CommonOptions.Url(context);
        var command = new Command("predict", "Predict the rating a user would give an item.") { user, item, url };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = parse.GetValue(url)!;
            return CommandErrors.RunAsync(context, target, async () =>
            {
                using var http = context.CreateHttpClient(target);
                var p = await http.PredictAsync(parse.GetValue(user)!, parse.GetValue(item)!, cancellationToken);
                context.Output.MarkupLineInterpolated($"user [bold]{p.User}[/], item [bold]{p.Item}[/]: [green]{p.Score:F3}[/] (model v{p.ModelVersion})");
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
