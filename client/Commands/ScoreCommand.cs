using System.CommandLine;
using System.Runtime.CompilerServices;
using OnlineRec.Client.Http;
using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;
using Spectre.Console;

namespace OnlineRec.Client.Commands;

/// <summary>
/// <c>onlinerec score TEST-FILE</c>: predicts every (user, item) of a held-out file with the live model
/// (POST /predictions in batches) and prints RMSE and MAE against the file's ratings.
/// </summary>
public static class ScoreCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("test-file") { Description = "Held-out ratings in any format ingest reads (e.g. MovieLens u1.test)." };
        var url = CommonOptions.Url(context);
        var batchSize = CommonOptions.Positive("--batch-size", 5000, "Pairs per POST /predictions (the server allows up to 10,000).");
        var parallel = CommonOptions.Positive("--parallel", 4, "Requests in flight.");
        var timeout = CommonOptions.Timeout();
        var maxRmse = new Option<double?>("--max-rmse") { Description = $"Exit with code {ExitCodes.ThresholdNotMet} when RMSE is above this (for scripts and CI)." };
        var command = new Command("score", "RMSE/MAE of the live model on a held-out rating file.") { file, url, batchSize, parallel, timeout, maxRmse };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = parse.GetValue(url)!;
            return CommandErrors.RunAsync(context, target, async () =>
            {
                var path = parse.GetValue(file)!.FullName;
                if (!File.Exists(path)) throw new FileNotFoundException($"Test file '{path}' does not exist.", path);
                using var http = context.CreateHttpClient(target, TimeSpan.FromSeconds(parse.GetValue(timeout)));
                var model = await http.GetModelAsync(cancellationToken);
                var scorer = new HeldOutScorer(http, parse.GetValue(parallel));
                var started = System.Diagnostics.Stopwatch.StartNew();
                var metrics = await scorer.ScoreAsync(ReadChunks(path, parse.GetValue(batchSize), cancellationToken), cancellationToken);

                var grid = new Grid().AddColumn().AddColumn(new GridColumn().RightAligned());
                grid.AddRow("test ratings", metrics.Count.ToString("N0"));
                grid.AddRow("model version", model.Version.ToString());
                grid.AddRow("[bold]RMSE[/]", $"[bold]{metrics.Rmse:F4}[/]");
                grid.AddRow("MAE", metrics.Mae.ToString("F4"));
                grid.AddRow("elapsed", $"{started.Elapsed.TotalSeconds:F2} s");
                context.Output.MarkupLineInterpolated($"Scored [bold]{Path.GetFileName(path)}[/] against {target}");
                context.Output.Write(grid);

                if (parse.GetValue(maxRmse) is { } limit && !(metrics.Rmse <= limit))
                    return context.Fail($"RMSE {metrics.Rmse:F4} is above --max-rmse {limit:F4}", ExitCodes.ThresholdNotMet);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static async IAsyncEnumerable<RatingEvent[]> ReadChunks(string path, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new RatingReadOptions { BatchSize = batchSize };
        await foreach (var batch in RatingFileReader.ReadBatchesAsync(path, options, onBadLine: null, cancellationToken))
            yield return batch.Events;
    }
}
