using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>Reported after each iteration/epoch/sweep so callers (tests, CLIs) can watch convergence.</summary>
public readonly record struct TrainingProgress(string Phase, int Iteration, MfModel Model);

/// <summary>Anything that fits a predictor to a rating set (the CLI's view of every algorithm).</summary>
public interface IRatingTrainer
{
    /// <summary>A short name such as "als" or "bpmf".</summary>
    string Name { get; }

    IRatingPredictor Fit(RatingDataset data);
}

/// <summary>A trainer whose result is a single biased MF model, optionally warm-started from an earlier one.</summary>
public interface IMfTrainer : IRatingTrainer
{
    /// <summary>
    /// Trains on <paramref name="data"/>. A <paramref name="warmStart"/> model is copied, never modified; its id maps
    /// must be a prefix of the dataset's (ids added since get fresh random rows).
    /// </summary>
    MfModel Train(RatingDataset data, MfModel? warmStart = null, Action<TrainingProgress>? onIteration = null);

    IRatingPredictor IRatingTrainer.Fit(RatingDataset data) => Train(data);
}

/// <summary>Thrown when a trainer's numbers blow up (e.g. an SGD learning rate far too large).</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
