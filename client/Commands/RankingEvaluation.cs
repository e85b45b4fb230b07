using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training.Implicit;
using OnlineRec.Lab.Data;
using OnlineRec.Lab.Evaluation;
using Spectre.Console;

namespace OnlineRec.Client.Commands;

/// <summary>
/// <c>onlinerec evaluate --task ranking</c>: top-N quality of popularity, the rating model and the ranking model side by
/// side (<see cref="RankingProtocol"/>), on MovieLens folds or the built-in synthetic data, then the leave-last-out
/// protocol on the whole data set in time order. The options here are the ones only the ranking task has; the shared
/// ones (--factors, --iterations, --lambda, --seed) set the ranking model, while the rating model keeps the platform's
/// defaults so its row shows what the platform serves.
/// </summary>
internal sealed class RankingEvaluation
{
    private readonly Option<float?> _alpha = new("--alpha") { Description = "Ranking task: confidence scale α of c = 1 + α·w." };
    private readonly Option<ImplicitSolver?> _solver = new("--solver") { Description = "Ranking task: row solver (Cholesky or ConjugateGradient)." };
    private readonly Option<RatingWeightFunction?> _ratingWeight = new("--rating-weight") { Description = "Ranking task: weight w of a rating (Binary, Value, AboveThreshold)." };
    private readonly Option<float?> _threshold = new("--rating-threshold") { Description = "Ranking task: threshold of --rating-weight AboveThreshold." };
    private readonly Option<double?> _halfLife = new("--half-life") { Description = "Ranking task: popularity half-life in days (0 = plain counts)." };
    private readonly Option<int> _top = new("--top") { Description = "Ranking task: list length k of P@k, NDCG@k, ...", DefaultValueFactory = _ => 10 };
    private readonly Option<float> _relevantAt = new("--relevant-at") { Description = "Ranking task: the stricter relevance, held-out rating ≥ this.", DefaultValueFactory = _ => 4f };
    private readonly Option<string> _protocol = new("--protocol")
    {
        Description = "Ranking task: folds, leave-last-out, or both.",
        DefaultValueFactory = _ => "both",
    };

    public RankingEvaluation() => _protocol.AcceptOnlyFromAmong("folds", "leave-last-out", "both");

    public IEnumerable<Option> Options => [_alpha, _solver, _ratingWeight, _threshold, _halfLife, _top, _relevantAt, _protocol];

    /// <summary>Synthetic data for ranking: which items a user rates leans on how much they like them, as in real logs.</summary>
    public static SyntheticRatingsOptions SyntheticShape { get; } = new() { SelectionBias = 3 };

    public RankingEvaluationSettings Settings(ParseResult parse, AlgorithmSettings shared)
    {
        var defaults = new ImplicitOptions();
        var interactions = defaults.Interactions with
        {
            RatingWeight = parse.GetValue(_ratingWeight) ?? defaults.Interactions.RatingWeight,
            RatingThreshold = parse.GetValue(_threshold) ?? defaults.Interactions.RatingThreshold,
            PopularityHalfLifeDays = parse.GetValue(_halfLife) ?? defaults.Interactions.PopularityHalfLifeDays,
        };
        return new RankingEvaluationSettings
        {
            ListLength = parse.GetValue(_top),
            RelevantAt = parse.GetValue(_relevantAt),
            Ranking = defaults with
            {
                Factors = shared.Factors ?? defaults.Factors,
                Sweeps = shared.Iterations ?? defaults.Sweeps,
                Lambda = shared.Lambda ?? defaults.Lambda,
                Alpha = parse.GetValue(_alpha) ?? defaults.Alpha,
                Solver = parse.GetValue(_solver) ?? defaults.Solver,
                Seed = shared.Seed ?? defaults.Seed,
                Interactions = interactions,
            },
        };
    }

    public string Protocol(ParseResult parse) => parse.GetValue(_protocol)!;

    /// <summary>Runs the chosen protocols and prints one table per protocol; throws on bad data or settings.</summary>
    public static void Run(IAnsiConsole console, RankingEvaluationSettings settings, string protocolName, DirectoryInfo? data,
        IReadOnlyList<string> folds, RatingScale? scale, FileInfo? json)
    {
        var protocol = new RankingProtocol(settings);
        settings.Validate();
        var source = data is null
            ? (IFoldSource)new SyntheticFoldSource(scale: scale, options: SyntheticShape)
            : new MovieLensFoldSource(data.FullName, scale);
        console.MarkupLineInterpolated($"[bold]ranking[/] on {source.Description}");
        console.MarkupLineInterpolated($"[grey]{protocol.Describe()}[/]");

        IReadOnlyList<RankingSplitResult> foldResults = [];
        if (protocolName != "leave-last-out")
        {
            foldResults = protocol.RunFolds(source, folds, fold =>
            {
                var any = fold.Models.Select(m => $"{m.Model} P@{settings.ListLength} {m.Any.Precision:F3} NDCG {m.Any.Ndcg:F3}");
                console.MarkupLineInterpolated($"  {fold.Split} ({fold.TestUsers} users): {string.Join("; ", any)}");
            });
            console.Write(Table($"top {settings.ListLength} on {source.Name}, mean of {string.Join(", ", folds)}",
                new RankingEvaluationReport(source.Name, "", foldResults, null).FoldMeans, settings, strict: true));
        }

        RankingSplitResult? lastOut = null;
        if (protocolName != "folds")
        {
            var events = data is null
                ? SyntheticRatings.Generate(SyntheticShape with { Seed = 42 }).Events
                : RatingFileReader.ReadAll(Path.Combine(data.FullName, "u.data"), new RatingReadOptions { Scale = source.Scale });
            lastOut = protocol.RunLeaveLastOut(events);
            console.Write(Table($"leave-last-out in time order on {source.Name} ({lastOut.TestUsers} users, {lastOut.TrainRatings:N0} training ratings)",
                lastOut.Models, settings, strict: false));
        }

        if (json is not null)
        {
            var report = new RankingEvaluationReport(source.Name, protocol.Describe(), foldResults, lastOut);
            File.WriteAllText(json.FullName, JsonSerializer.Serialize(report, JsonOptions) + Environment.NewLine);
            console.MarkupLineInterpolated($"[grey]wrote {json.FullName}[/]");
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    // One row per model; "any" columns always, the stricter relevance's P/NDCG when the protocol has it.
    private static Table Table(string title, IReadOnlyList<ModelRanking> models, RankingEvaluationSettings settings, bool strict)
    {
        var k = settings.ListLength;
        var table = new Table().Border(TableBorder.Rounded).Title(title).AddColumn("Model");
        string[] columns = strict
            ? [$"P@{k}", $"R@{k}", $"NDCG@{k}", $"MAP@{k}", $"HR@{k}", "coverage", $"P@{k} ≥{settings.RelevantAt}", $"NDCG@{k} ≥{settings.RelevantAt}", "train s"]
            : [$"HR@{k}", $"NDCG@{k}", $"MAP@{k}", "coverage", "train s"];
        foreach (var c in columns) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        var best = models.Count == 0 ? double.NaN : models.Max(m => m.Any.Ndcg);
        foreach (var m in models)
        {
            var a = m.Any;
            string[] cells = strict
                ? [F(a.Precision), F(a.Recall), F(a.Ndcg), F(a.MeanAveragePrecision), F(a.HitRate), $"{a.Coverage:P1}", F(m.AtLeast.Precision), F(m.AtLeast.Ndcg), $"{m.TrainSeconds:F2}"]
                : [F(a.HitRate), F(a.Ndcg), F(a.MeanAveragePrecision), $"{a.Coverage:P1}", $"{m.TrainSeconds:F2}"];
            var name = a.Ndcg == best ? $"[bold]{Markup.Escape(m.Model)}[/]" : Markup.Escape(m.Model);
            table.AddRow([name, .. cells.Select(Markup.Escape)]);
        }
        return table;
    }

    private static string F(double value) => value.ToString("F4");
}
