using OnlineRec.Core.Model;

namespace OnlineRec.Core.Evaluation;

public sealed record ProgressiveValidationOptions
{
    /// <summary>Events per reported window.</summary>
    public int WindowSize { get; init; } = 10_000;

    /// <summary>Predictions are clamped to this scale when given.</summary>
    public RatingScale? Scale { get; init; }

    /// <summary>The first events are learned but not scored (a cold model's first guesses say little).</summary>
    public int WarmUpEvents { get; init; }
}

/// <summary>Error over one window of consecutive scored events, starting at the 0-based event index <see cref="FirstEvent"/>.</summary>
public readonly record struct ProgressiveWindow(long FirstEvent, ErrorMetrics Metrics);

public sealed record ProgressiveReport(ErrorMetrics Overall, IReadOnlyList<ProgressiveWindow> Windows)
{
    /// <summary>The most recent window (the learner's current quality), or the overall error when there are no windows.</summary>
    public ErrorMetrics Latest => Windows.Count > 0 ? Windows[^1].Metrics : Overall;
}

/// <summary>
/// Prequential ("test-then-train") evaluation of an online learner: each event is predicted before the learner
/// sees it, so every prediction is out-of-sample and the whole stream is used for both.
/// </summary>
public static class ProgressiveValidation
{
    public static ProgressiveReport Run(IEnumerable<RatingEvent> stream, Func<RatingEvent, float> predict, Action<RatingEvent> learn,
        ProgressiveValidationOptions? options = null) =>
        Run(stream, predict, static e => e.Value, learn, options);

    /// <summary>The same for any event type, e.g. <see cref="Rating"/> with dense indices.</summary>
    public static ProgressiveReport Run<TEvent>(IEnumerable<TEvent> stream, Func<TEvent, float> predict, Func<TEvent, float> actual,
        Action<TEvent> learn, ProgressiveValidationOptions? options = null)
    {
        options ??= new ProgressiveValidationOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WindowSize, 1, nameof(options.WindowSize));
        ArgumentOutOfRangeException.ThrowIfNegative(options.WarmUpEvents, nameof(options.WarmUpEvents));

        var overall = new ErrorAccumulator();
        var window = new ErrorAccumulator();
        var windows = new List<ProgressiveWindow>();
        long index = 0;
        long windowStart = options.WarmUpEvents;
        foreach (var e in stream)
        {
            if (index >= options.WarmUpEvents)
            {
                var predicted = RatingMetrics.Clamp(predict(e), options.Scale);
                overall.Add(predicted, actual(e));
                window.Add(predicted, actual(e));
                if (window.Count == options.WindowSize)
                {
                    windows.Add(new ProgressiveWindow(windowStart, window.Result));
                    window.Reset();
                    windowStart = index + 1;
                }
            }
            learn(e);
            index++;
        }
        if (window.Count > 0) windows.Add(new ProgressiveWindow(windowStart, window.Result));
        return new ProgressiveReport(overall.Result, windows);
    }
}
