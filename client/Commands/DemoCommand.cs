using System.CommandLine;
using OnlineRec.Client.Demo;

namespace OnlineRec.Client.Commands;

/// <summary><c>onlinerec demo</c>: stream synthetic ratings into a running silo and watch held-out RMSE fall.</summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new DemoOptions();
        var url = CommonOptions.Url(context);
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

        var command = new Command("demo", "Stream synthetic ratings into a running silo and show held-out RMSE falling as it learns and retrains.")
        {
            url, users, items, ratings, testFraction, batchSize, parallel, rate, evaluateEvery, retrainEvery, noFinalRetrain, idPrefix, seed,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = parse.GetValue(url)!;
            return CommandErrors.RunAsync(context, target, async () =>
            {
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
                using var http = context.CreateHttpClient(target);
                await new DemoRunner(http, options).RunAsync(context.Output, context.IsInteractive, cancellationToken);
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
