using System.Diagnostics;
using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Training;

namespace OnlineRec.Lab.Evaluation;

/// <summary>Trains a fresh model per fold and scores it on the fold's held-out ratings.</summary>
public static class EvaluationRunner
{
    public static EvaluationReport Run(IFoldSource source, IReadOnlyList<string> folds, IRatingTrainer trainer,
        Action<FoldResult>? onFold = null)
    {
        var results = new List<FoldResult>(folds.Count);
        foreach (var fold in folds)
        {
            var split = source.Load(fold);
            var clock = Stopwatch.StartNew();
            var predictor = trainer.Fit(split.Train);
            var seconds = clock.Elapsed.TotalSeconds;
            var error = RatingMetrics.Evaluate(split.Test, predictor.PredictRaw, source.Scale);
            var result = new FoldResult(fold, error.Rmse, error.Mae, seconds, split.Train.Count, split.Test.Count);
            results.Add(result);
            onFold?.Invoke(result);
        }
        return new EvaluationReport(source.Name, trainer.Name, AlgorithmCatalog.Describe(trainer), results);
    }
}
