using System.CommandLine;
using OnlineRec.Client.Http;
using OnlineRec.Client.Ingestion;
using OnlineRec.Client.Output;
using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;
using Spectre.Console;

namespace OnlineRec.Client.Commands;

/// <summary>
/// <c>onlinerec ingest FILE</c>: streams a rating file into a running silo (POST /ratings) in batches, several in
/// flight, each with a deterministic idempotency key so retries and re-runs store every batch exactly once.
/// </summary>
public static class IngestCommand
{
    /// <summary>--format values and what they mean to the reader.</summary>
    public static readonly IReadOnlyDictionary<string, RatingFileFormat> Formats = new Dictionary<string, RatingFileFormat>
    {
        ["auto"] = RatingFileFormat.Auto,
        ["movielens-tab"] = RatingFileFormat.MovieLensTab,
        ["movielens-dat"] = RatingFileFormat.MovieLensDat,
        ["movielens-csv"] = RatingFileFormat.MovieLensCsv,
        ["csv"] = RatingFileFormat.GenericCsv,
    };

    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "Rating file: MovieLens u.data/u1.base (tab), ratings.dat (::), ratings.csv, or CSV user,item,rating[,timestamp]." };
        var url = CommonOptions.Url(context);
        var batchSize = CommonOptions.Positive("--batch-size", 5000, "Ratings per request.");
        var parallel = CommonOptions.Positive("--parallel", 4, "Batches in flight at once.");
        var retries = CommonOptions.NonNegative("--retries", 5, "Retries per batch on timeout, 5xx or connection errors (with backoff).");
        var timeout = CommonOptions.Timeout();
        var format = new Option<string>("--format") { Description = "File format.", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong([.. Formats.Keys]);
        var scale = new Option<string?>("--scale") { Description = "Rating scale the reader checks, MIN-MAX[:STEP] (default: the format's own, e.g. 1-5 stars for MovieLens tab)." };
        var keyPrefix = new Option<string?>("--key-prefix") { Description = "Idempotency key prefix (default: from file name and batch size). Change it to store the same file again." };
        var noProgress = new Option<bool>("--no-progress") { Description = "No live progress bar." };

        var command = new Command("ingest", "Stream a rating file into a running silo, in batches, exactly once.")
        {
            file, url, batchSize, parallel, retries, timeout, format, scale, keyPrefix, noProgress,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = parse.GetValue(url)!;
            return CommandErrors.RunAsync(context, target, () => RunAsync(context, new IngestSettings
            {
                File = parse.GetValue(file)!.FullName,
                Url = target,
                BatchSize = parse.GetValue(batchSize),
                Parallelism = parse.GetValue(parallel),
                Retries = parse.GetValue(retries),
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Format = Formats[parse.GetValue(format)!],
                Scale = parse.GetValue(scale) is { } s ? RatingScale.Parse(s) : null,
                KeyPrefix = parse.GetValue(keyPrefix),
                ShowProgress = !parse.GetValue(noProgress),
            }, cancellationToken));
        });
        return command;
    }

    private sealed record IngestSettings
    {
        public required string File { get; init; }
        public required Uri Url { get; init; }
        public int BatchSize { get; init; }
        public int Parallelism { get; init; }
        public int Retries { get; init; }
        public TimeSpan Timeout { get; init; }
        public RatingFileFormat Format { get; init; }
        public RatingScale? Scale { get; init; }
        public string? KeyPrefix { get; init; }
        public bool ShowProgress { get; init; }
    }

    private static async Task<int> RunAsync(CliContext context, IngestSettings settings, CancellationToken cancellationToken)
    {
        var source = new FileBatches(settings.File, settings.BatchSize, settings.Format, settings.Scale, settings.KeyPrefix);
        var name = Path.GetFileName(settings.File);
        var lines = FileBatches.CountLines(settings.File);
        var detected = source.Format?.ToString() ?? "unknown format";
        context.Output.MarkupLineInterpolated(
            $"Ingesting [bold]{name}[/] ({detected}, {lines:N0} lines) into {settings.Url}: batches of {settings.BatchSize:N0}, {settings.Parallelism} in flight");

        using var http = context.CreateHttpClient(settings.Url, settings.Timeout);
        var pipeline = new BatchPipeline(new HttpRatingSink(http), new PipelineOptions
        {
            Parallelism = settings.Parallelism,
            Retry = new RetryPolicy { Retries = settings.Retries },
        });

        PipelineResult result;
        if (settings.ShowProgress && context.IsInteractive)
        {
            result = await context.Output.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RatingsPerSecondColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(name, maxValue: Math.Max(1, lines));
                    var run = await pipeline.RunAsync(source.ReadAsync(cancellationToken), (_, ack) => task.Increment(ack.Accepted), cancellationToken);
                    if (run.Succeeded) task.Value = task.MaxValue;
                    return run;
                });
        }
        else
        {
            result = await pipeline.RunAsync(source.ReadAsync(cancellationToken), cancellationToken: cancellationToken);
        }

        Summarize(context.Output, result);
        if (result.ReadError is { } bad)
        {
            return context.Fail(
                $"bad data: {bad.Message}. The batch holding line {bad.LineNumber} and everything after it were not sent; " +
                $"lines 1–{result.StoredThroughLine:N0} are stored. Fix the line and run the same command again: stored batches are recognised and skipped.",
                ExitCodes.DataError);
        }
        if (result.SendFailure is { } failure)
        {
            var batch = failure.Batch;
            var why = failure.Error switch
            {
                ApiProblemException problem => $"the server refused it: {problem.Message}",
                _ => $"{failure.Error.GetBaseException().Message} (after {settings.Retries} retries)",
            };
            return context.Fail($"batch {batch.Index} ({name} lines {batch.FirstLine:N0}–{batch.LastLine:N0}) failed: {why}. " +
                $"Lines 1–{result.StoredThroughLine:N0} are stored.", ExitCodes.ServerError);
        }
        return ExitCodes.Ok;
    }

    private static void Summarize(IAnsiConsole console, PipelineResult result)
    {
        var grid = new Grid().AddColumn().AddColumn(new GridColumn().RightAligned());
        grid.AddRow("accepted", $"{result.NewRatings:N0} ratings");
        if (result.DuplicateRatings > 0) grid.AddRow("already stored (skipped)", $"{result.DuplicateRatings:N0} ratings");
        grid.AddRow("batches", $"{result.Batches:N0}");
        grid.AddRow("last sequence", $"{result.LastSequence:N0}");
        grid.AddRow("elapsed", $"{result.Elapsed.TotalSeconds:F2} s");
        grid.AddRow("rate", $"{result.RatingsPerSecond:N0} ratings/s");
        if (result.RetriedAttempts > 0) grid.AddRow("retried attempts", $"{result.RetriedAttempts:N0}");
        console.Write(grid);
    }
}
