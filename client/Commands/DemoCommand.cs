using System.CommandLine;
using OnlineRec.Client.Demo;
using Spectre.Console;

namespace OnlineRec.Client.Commands;

/// <summary>
/// <c>onlinerec demo</c>: stream synthetic ratings into a silo and watch held-out RMSE fall. Without <c>--url</c> (and
/// without ONLINEREC_URL) it runs a temporary silo of its own and removes it afterwards, so the demo's users and items
/// can never end up beside real ones. Given a silo, it refuses one that already holds ratings unless <c>--force</c>:
/// the synthetic data cannot be taken out again.
/// </summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new DemoOptions();
        var url = CommonOptions.OptionalUrl(context,
            $"Stream into this silo instead (default: ${CommonOptions.UrlVariable}). Without either, the demo runs a temporary silo of its own and removes it afterwards.");
        var force = new Option<bool>("--force") { Description = "Stream into a silo that already holds ratings: the demo's users and items stay there for good." };
        var keep = new Option<bool>("--keep") { Description = "Keep the demo's own silo running after the stream, until Ctrl+C, to try other commands against it." };
        var users = CommonOptions.Positive("--users", defaults.Users, "Synthetic users.");
        var items = CommonOptions.Positive("--items", defaults.Items, "Synthetic items.");
        var ratings = CommonOptions.Positive("--ratings", defaults.Ratings, "Synthetic ratings generated (a share is held out).");
        var testFraction = CommonOptions.Fraction("--test-fraction", defaults.TestFraction, "Share of ratings held out for scoring.");
        var batchSize = CommonOptions.Positive("--batch-size", defaults.BatchSize, "Ratings per request.");
        var parallel = CommonOptions.Positive("--parallel", defaults.Parallelism, "Requests in flight.");
        var rate = CommonOptions.NonNegative("--rate", defaults.RatingsPerSecond, "Ratings per second to stream at (0 = as fast as possible).");
        var evaluateEvery = CommonOptions.Positive("--eval-every", defaults.EvaluateEvery, "Score the held-out ratings after every N streamed ratings.");
        var retrainEvery = CommonOptions.NonNegative("--retrain-every", defaults.RetrainEvery, "Request a retrain after every N streamed ratings (0 = none during the stream).");
        var noFinalRetrain = new Option<bool>("--no-final-retrain") { Description = "Skip the retrain (and last score) after the stream." };
        var idPrefix = new Option<string>("--id-prefix") { Description = "Prefix of generated user and item ids.", DefaultValueFactory = _ => defaults.IdPrefix };
        var seed = new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => defaults.Seed };

        var command = new Command("demo", "Stream synthetic ratings into a temporary silo of its own (or --url) and show held-out RMSE falling as it learns and retrains.")
        {
            url, force, keep, users, items, ratings, testFraction, batchSize, parallel, rate, evaluateEvery, retrainEvery, noFinalRetrain, idPrefix, seed,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = parse.GetValue(url);
            var options = new DemoOptions
            {
                Users = parse.GetValue(users),
                Items = parse.GetValue(items),
                Ratings = parse.GetValue(ratings),
                TestFraction = parse.GetValue(testFraction),
                BatchSize = parse.GetValue(batchSize),
                Parallelism = parse.GetValue(parallel),
                RatingsPerSecond = parse.GetValue(rate),
                EvaluateEvery = parse.GetValue(evaluateEvery),
                RetrainEvery = parse.GetValue(retrainEvery),
                FinalRetrain = !parse.GetValue(noFinalRetrain),
                IdPrefix = parse.GetValue(idPrefix)!,
                Seed = parse.GetValue(seed),
            };
            return CommandErrors.RunAsync(context, target, () => target is null
                ? RunOnOwnSiloAsync(context, options, parse.GetValue(keep), cancellationToken)
                : RunOnSiloAsync(context, target, options, parse.GetValue(force), cancellationToken));
        });
        return command;
    }

    private static async Task<int> RunOnOwnSiloAsync(CliContext context, DemoOptions options, bool keep, CancellationToken cancellationToken)
    {
        context.Output.MarkupLine("demo: starting a temporary silo of its own (your silos and their data are not touched)…");
        await using var silo = await DemoSilo.StartAsync(context.Errors, cancellationToken);
        var url = silo.Url.ToString().TrimEnd('/');
        context.Output.MarkupLineInterpolated($"demo: silo at {url}, data in {silo.DataDirectory}; both are removed when the demo ends.");
        using var http = context.CreateHttpClient(silo.Url);
        await new DemoRunner(http, options).RunAsync(context.Output, context.IsInteractive, cancellationToken);
        if (keep)
        {
            context.Output.MarkupLineInterpolated(
                $"demo: the silo keeps running at {url} until Ctrl+C, e.g. [bold]onlinerec recommend {options.IdPrefix}1 --url {url}[/] in another terminal.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the silo stops and its data directory goes.
            }
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> RunOnSiloAsync(CliContext context, Uri target, DemoOptions options, bool force, CancellationToken cancellationToken)
    {
        using var http = context.CreateHttpClient(target);
        var model = await http.GetModelAsync(cancellationToken);
        if (model.Ratings > 0 && !force)
        {
            return context.Fail(
                $"the silo at {target} already holds {model.Ratings:N0} ratings. The demo would add {options.Users:N0} synthetic users and " +
                $"{options.Items:N0} items (ids '{options.IdPrefix}…') to them, and they cannot be taken out again: they would show up in " +
                $"real users' recommendations. Run the demo without --url (and without {CommonOptions.UrlVariable}) to use a temporary " +
                "silo of its own, or add --force.",
                ExitCodes.DataError);
        }
        context.Output.MarkupLineInterpolated(
            $"demo: streaming into the silo at {target}; its synthetic users and items (ids '{options.IdPrefix}…') stay there.");
        await new DemoRunner(http, options).RunAsync(context.Output, context.IsInteractive, cancellationToken);
        return ExitCodes.Ok;
    }
}
