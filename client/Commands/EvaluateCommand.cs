using System.CommandLine;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Lab.Data;
using OnlineRec.Lab.Evaluation;
using Spectre.Console;

namespace OnlineRec.Client.Commands;

/// <summary>
/// <c>onlinerec evaluate</c>: offline accuracy of a training algorithm on MovieLens folds (or built-in synthetic
/// data): a fresh model per fold, RMSE/MAE of clamped predictions on the held-out part, training time.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Exit code when the data cannot be read (missing file, bad line) or the options are unusable.</summary>
    public const int DataError = 2;

    /// <summary>The command; output and errors go to the given consoles (stdout/stderr when null).</summary>
    public static Command Create(IAnsiConsole? output = null, IAnsiConsole? errors = null)
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Directory with MovieLens 100K files (u1.base, u1.test, ...). Omit to use built-in synthetic data." };
        var folds = new Option<string>("--folds") { Description = "Comma-separated folds.", DefaultValueFactory = _ => "u1,u2,u3,u4,u5" };
        var algo = new Option<string>("--algo") { Description = "Training algorithm.", DefaultValueFactory = _ => AlgorithmCatalog.AlsSgd };
        algo.AcceptOnlyFromAmong([.. AlgorithmCatalog.Names]);
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file." };
        var factors = new Option<int?>("--factors", "-k") { Description = "Latent factors k." };
        var iterations = new Option<int?>("--iterations") { Description = "ALS iterations (als, als+sgd)." };
        var epochs = new Option<int?>("--epochs") { Description = "SGD epochs (sgd, als+sgd)." };
        var lambda = new Option<float?>("--lambda") { Description = "Factor λ: per row ×√n for ALS (and the ALS phase of als+sgd), per step for sgd." };
        var biasLambda = new Option<float?>("--bias-lambda") { Description = "Bias λ, decoupled from the factor λ." };
        var learningRate = new Option<float?>("--learning-rate") { Description = "SGD learning rate η (sgd, als+sgd)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed (initialisation, shuffling, sampling)." };
        var samples = new Option<int?>("--samples") { Description = "BPMF samples kept after burn-in." };
        var burnIn = new Option<int?>("--burn-in") { Description = "BPMF sweeps discarded before sampling." };
        var scale = new Option<string?>("--scale") { Description = "Rating scale MIN-MAX[:STEP] for validation and clamping, e.g. 1-5 or 0.5-5:0.5." };
        var task = new Option<string>("--task") { Description = "rating: RMSE/MAE of --algo; ranking: top-N lists of popularity, the rating and the ranking model.", DefaultValueFactory = _ => "rating" };
        task.AcceptOnlyFromAmong("rating", "ranking");
        var ranking = new RankingEvaluation();

        var command = new Command("evaluate", "Train and score an algorithm on MovieLens folds or synthetic data.")
        {
            data, folds, algo, json, factors, iterations, epochs, lambda, biasLambda, learningRate, seed, samples, burnIn, scale, task,
        };
        foreach (var option in ranking.Options) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var settings = new AlgorithmSettings
            {
                Factors = parse.GetValue(factors),
                Iterations = parse.GetValue(iterations),
                Epochs = parse.GetValue(epochs),
                Lambda = parse.GetValue(lambda),
                BiasLambda = parse.GetValue(biasLambda),
                LearningRate = parse.GetValue(learningRate),
                Seed = parse.GetValue(seed),
                Samples = parse.GetValue(samples),
                BurnIn = parse.GetValue(burnIn),
            };
            var console = output ?? AnsiConsole.Console;
            var errorConsole = errors ?? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            if (parse.GetValue(task) == "ranking")
                return Guarded(errorConsole, () => RankingEvaluation.Run(console, ranking.Settings(parse, settings), ranking.Protocol(parse),
                    parse.GetValue(data), FoldNames(parse.GetValue(folds)!), ParseScale(parse.GetValue(scale)), parse.GetValue(json)));
            return Guarded(errorConsole, () => Run(console, parse.GetValue(data), parse.GetValue(folds)!, parse.GetValue(algo)!, parse.GetValue(json),
                parse.GetValue(scale), settings));
        });
        return command;
    }

    private static void Run(IAnsiConsole console, DirectoryInfo? data, string folds, string algo, FileInfo? json, string? scaleText, AlgorithmSettings settings)
    {
        var scale = ParseScale(scaleText);
        var trainer = AlgorithmCatalog.Create(algo, settings);
        IFoldSource source = data is null
            ? new SyntheticFoldSource(scale: scale) // fixed data seed: --seed varies the training, not the data
            : new MovieLensFoldSource(data.FullName, scale);
        var foldNames = FoldNames(folds);

        console.MarkupLineInterpolated($"[bold]{algo}[/] on {source.Description}");
        console.MarkupLineInterpolated($"[grey]{AlgorithmCatalog.Describe(trainer)}[/]");
        foreach (var ignored in AlgorithmCatalog.Ignored(algo, settings))
            console.MarkupLineInterpolated($"[yellow]note:[/] {ignored} does not apply to {algo} and is ignored");

        var report = EvaluationRunner.Run(source, foldNames, trainer, fold =>
            console.MarkupLineInterpolated($"  {fold.Fold}: RMSE {fold.Rmse:F4}  MAE {fold.Mae:F4}  ({fold.TrainSeconds:F2} s)"));
        console.Write(ResultsTable(report));

        if (json is not null)
        {
            File.WriteAllText(json.FullName, report.ToJson() + Environment.NewLine);
            console.MarkupLineInterpolated($"[grey]wrote {json.FullName}[/]");
        }
    }

    /// <summary>Runs a task; bad data or options end it with a message on the error console and <see cref="DataError"/>.</summary>
    private static int Guarded(IAnsiConsole errors, Action task)
    {
        try
        {
            task();
            return 0;
        }
        catch (DataFormatException e)
        {
            // Already names file and line: "u1.base:17: expected 4 tab-separated fields, found 3".
            return Fail(errors, $"bad data: {e.Message}");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(errors, e.Message);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or TrainingDivergedException)
        {
            return Fail(errors, e.Message);
        }
    }

    private static RatingScale? ParseScale(string? text) => text is null ? null : RatingScale.Parse(text);

    private static string[] FoldNames(string folds)
    {
        var names = folds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length > 0 ? names : throw new ArgumentException("--folds names no fold.");
    }

    private static Table ResultsTable(EvaluationReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{report.Algo} on {report.Dataset}")
            .AddColumn("Fold")
            .AddColumn(new TableColumn("Train").RightAligned())
            .AddColumn(new TableColumn("Test").RightAligned())
            .AddColumn(new TableColumn("RMSE").RightAligned())
            .AddColumn(new TableColumn("MAE").RightAligned())
            .AddColumn(new TableColumn("Train s").RightAligned());
        foreach (var f in report.Folds)
            table.AddRow(f.Fold, f.TrainRatings.ToString("N0"), f.TestRatings.ToString("N0"), f.Rmse.ToString("F4"), f.Mae.ToString("F4"), f.TrainSeconds.ToString("F2"));
        table.AddEmptyRow();
        table.AddRow("[bold]mean[/]", "", "", $"[bold]{report.MeanRmse:F4}[/]", $"[bold]{report.MeanMae:F4}[/]", report.MeanTrainSeconds.ToString("F2"));
        return table;
    }

    private static int Fail(IAnsiConsole errors, string message)
    {
        errors.MarkupLineInterpolated($"[red]error:[/] {message}");
        return DataError;
    }
}
