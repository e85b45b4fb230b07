using System.Diagnostics;
using OnlineRec.Client.Http;
using OnlineRec.Client.Ingestion;
using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;
using Spectre.Console;

namespace OnlineRec.Client.Demo;

/// <summary>What the demo streams and how often it looks at the model.</summary>
public sealed record DemoOptions
{
    public int Users { get; init; } = 2_000;
    public int Items { get; init; } = 1_000;
    public int Ratings { get; init; } = 200_000;

    /// <summary>Share of the generated ratings held out for scoring, never sent.</summary>
    public double TestFraction { get; init; } = 0.02;

    public int BatchSize { get; init; } = 5_000;
    public int Parallelism { get; init; } = 4;

    /// <summary>
    /// Ratings per second to stream at (0 = as fast as the server takes them). Paced so retrains (seconds each)
    /// land while the stream is still going, which is the point of the demo.
    /// </summary>
    public int RatingsPerSecond { get; init; } = 5_000;

    /// <summary>A table row (held-out RMSE) after every this many streamed ratings.</summary>
    public int EvaluateEvery { get; init; } = 10_000;

    /// <summary>Ask for a global retrain after every this many streamed ratings (0 = never during the stream).</summary>
    public int RetrainEvery { get; init; } = 50_000;

    /// <summary>Retrain once more after the stream, wait for it, and score again.</summary>
    public bool FinalRetrain { get; init; } = true;

    public string IdPrefix { get; init; } = "demo-";
    public int Seed { get; init; } = 42;
    public TimeSpan RetrainTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>One row of the demo's table.</summary>
public sealed record DemoRow(long Streamed, double Seconds, double RatingsPerSecond, int ModelVersion, string Status, ErrorMetrics Metrics, string Note);

/// <summary>
/// Streams the synthetic generator into a running silo and shows held-out RMSE falling as ratings arrive (online SGD
/// in the grains) and as retrains are installed (ALS). The held-out ratings are never sent; the generator's noise
/// floor — the RMSE of the true model — tells how close the live model gets.
/// </summary>
public sealed class DemoRunner(OnlineRecHttpClient http, DemoOptions options)
{
    private TimeSpan _streamStart;

    public async Task<IReadOnlyList<DemoRow>> RunAsync(IAnsiConsole console, bool live, CancellationToken cancellationToken)
    {
        var dataset = SyntheticRatings.Generate(new SyntheticRatingsOptions
        {
            Users = options.Users,
            Items = options.Items,
            Ratings = options.Ratings,
            MinRatingsPerUser = Math.Min(5, options.Ratings / options.Users),
            Seed = options.Seed,
        });
        var split = RatingSplits.RandomFraction(dataset.Events, options.TestFraction, options.Seed + 1);
        var floor = dataset.NoiseFloorRmseOn(split.Test);
        var train = GeneratedBatches.WithIdPrefix(split.Train, options.IdPrefix);
        var test = GeneratedBatches.WithIdPrefix(split.Test, options.IdPrefix);

        console.MarkupLineInterpolated(
            $"Streaming [bold]{train.Length:N0}[/] synthetic ratings ({options.Users:N0} users × {options.Items:N0} items, ids '{options.IdPrefix}…') into {http.BaseAddress}; scoring {test.Length:N0} held-out ratings every {options.EvaluateEvery:N0}. Noise floor (true model) RMSE [bold]{floor:F4}[/].");

        var table = new Table().Border(TableBorder.Rounded).Title("Held-out RMSE as the stream goes on")
            .AddColumn(new TableColumn("Streamed").RightAligned())
            .AddColumn(new TableColumn("s").RightAligned())
            .AddColumn(new TableColumn("ratings/s").RightAligned())
            .AddColumn(new TableColumn("Model").RightAligned())
            .AddColumn(new TableColumn("RMSE").RightAligned())
            .AddColumn(new TableColumn("MAE").RightAligned())
            .AddColumn("Event");
        var rows = new List<DemoRow>();
        void Add(DemoRow row, Action refresh)
        {
            rows.Add(row);
            table.AddRow(row.Streamed.ToString("N0"), row.Seconds.ToString("F1"), row.RatingsPerSecond.ToString("N0"),
                $"v{row.ModelVersion}{(row.Status == "training" ? " [yellow](training)[/]" : "")}",
                row.Metrics.Rmse.ToString("F4"), row.Metrics.Mae.ToString("F4"), Markup.Escape(row.Note));
            refresh();
        }

        if (live)
        {
            await console.Live(table).AutoClear(false).StartAsync(ctx => StreamAsync(train, test, (row) => Add(row, ctx.Refresh), cancellationToken));
        }
        else
        {
            await StreamAsync(train, test, row => Add(row, () => console.MarkupLineInterpolated(
                $"{row.Streamed:N0} ratings, {row.Seconds:F1} s: v{row.ModelVersion} {row.Status}, RMSE {row.Metrics.Rmse:F4}, MAE {row.Metrics.Mae:F4} {row.Note}")), cancellationToken);
            console.Write(table);
        }
        var last = rows[^1];
        console.MarkupLineInterpolated($"Final held-out RMSE [bold]{last.Metrics.Rmse:F4}[/] (noise floor {floor:F4}, first row {rows[0].Metrics.Rmse:F4}).");
        return rows;
    }

    private async Task StreamAsync(RatingEvent[] train, RatingEvent[] test, Action<DemoRow> add, CancellationToken cancellationToken)
    {
        var scorer = new HeldOutScorer(http, options.Parallelism);
        var pipeline = new BatchPipeline(new HttpRatingSink(http), new PipelineOptions { Parallelism = options.Parallelism });
        var keyPrefix = IdempotencyKeys.RunPrefix("demo");
        var clock = Stopwatch.StartNew();
        long streamed = 0, batchIndex = 0, nextRetrain = options.RetrainEvery > 0 ? options.RetrainEvery : long.MaxValue;

        async Task RowAsync(string note)
        {
            var metrics = await scorer.ScoreAsync(test, 5_000, cancellationToken);
            var model = await http.GetModelAsync(cancellationToken);
            var streaming = clock.Elapsed - _streamStart; // scoring pauses included: the rate the silo actually saw
            var rate = streamed > 0 && streaming > TimeSpan.Zero ? streamed / streaming.TotalSeconds : 0;
            add(new DemoRow(streamed, clock.Elapsed.TotalSeconds, rate, model.Version, model.Status, metrics, note));
        }

        await RowAsync("start");
        _streamStart = clock.Elapsed;
        var step = Math.Max(1, options.EvaluateEvery);
        for (var start = 0; start < train.Length; start += step)
        {
            var chunk = new ArraySegment<RatingEvent>(train, start, Math.Min(step, train.Length - start));
            var batches = Paced(GeneratedBatches.From(chunk, options.BatchSize, keyPrefix, batchIndex), streamed, clock, cancellationToken);
            var result = await pipeline.RunAsync(batches, cancellationToken: cancellationToken);
            if (result.SendFailure is { } failure) throw failure.Error;
            batchIndex += result.Batches;
            streamed += result.Ratings;

            var note = "";
            if (streamed >= nextRetrain)
            {
                var accepted = await http.RetrainAsync(cancellationToken);
                note = accepted.Started ? "retrain requested" : "retrain still running";
                while (nextRetrain <= streamed) nextRetrain += options.RetrainEvery;
            }
            await RowAsync(note);
        }

        if (options.FinalRetrain)
        {
            var before = await http.GetModelAsync(cancellationToken);
            if (before.IsTraining)
                before = await RetrainWaiter.WaitAsync(http, before.LastRetrain, options.RetrainTimeout, TimeSpan.FromMilliseconds(250), cancellationToken);
            await http.RetrainAsync(cancellationToken);
            var after = await RetrainWaiter.WaitAsync(http, before.LastRetrain, options.RetrainTimeout, TimeSpan.FromMilliseconds(250), cancellationToken);
            var report = after.LastRetrain!;
            await RowAsync(report.Error is null
                ? $"final retrain: v{report.Version} in {report.TrainSeconds:F1} s"
                : $"final retrain failed: {report.Error}");
        }
    }

    /// <summary>Holds each batch back until the stream is no further ahead than the target rate allows.</summary>
    private async IAsyncEnumerable<OutgoingBatch> Paced(IAsyncEnumerable<OutgoingBatch> batches, long alreadySent, Stopwatch clock,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sent = alreadySent;
        await foreach (var batch in batches.WithCancellation(cancellationToken))
        {
            if (options.RatingsPerSecond > 0)
            {
                var due = _streamStart + TimeSpan.FromSeconds((double)sent / options.RatingsPerSecond);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
            }
            sent += batch.Count;
            yield return batch;
        }
    }
}
