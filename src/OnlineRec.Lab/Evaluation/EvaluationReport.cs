using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnlineRec.Lab.Evaluation;

/// <summary>One fold's held-out error (predictions clamped to the scale) and training time.</summary>
public sealed record FoldResult(string Fold, double Rmse, double Mae, double TrainSeconds, int TrainRatings, int TestRatings);

/// <summary>What <c>evaluate --json</c> writes.</summary>
public sealed record EvaluationReport(string Dataset, string Algo, string Parameters, IReadOnlyList<FoldResult> Folds)
{
    public double MeanRmse => Folds.Count == 0 ? 0 : Folds.Average(f => f.Rmse);
    public double MeanMae => Folds.Count == 0 ? 0 : Folds.Average(f => f.Mae);
    public double MeanTrainSeconds => Folds.Count == 0 ? 0 : Folds.Average(f => f.TrainSeconds);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Keep "als+sgd" and λ readable; the file is data, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
