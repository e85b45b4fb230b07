using System.Globalization;

namespace OnlineRec.Core.Model;

/// <summary>
/// The scale ratings live on: bounds for clamping predictions and a grid for validating input.
/// <see cref="Step"/> = 0 means any finite value in [Min, Max] is accepted.
/// </summary>
public sealed record RatingScale(double Min, double Max, double Step)
{
    /// <summary>Integer stars 1..5 (MovieLens 100K/1M).</summary>
    public static RatingScale OneToFive { get; } = new(1, 5, 1);

    /// <summary>Half stars 0.5..5 (MovieLens latest/25M).</summary>
    public static RatingScale HalfStars { get; } = new(0.5, 5, 0.5);

    // Tolerance for "on the grid": a JSON 3.0000000001 is still a 3.
    private const double GridTolerance = 1e-6;

    public double Midpoint => (Min + Max) / 2;

    /// <summary>Throws when the scale itself is nonsense (so options validation fails at start-up).</summary>
    public void EnsureValid()
    {
        if (!double.IsFinite(Min) || !double.IsFinite(Max) || !double.IsFinite(Step))
            throw new ArgumentException("Rating scale bounds and step must be finite.");
        if (Max <= Min) throw new ArgumentException($"Rating scale max ({Max}) must exceed min ({Min}).");
        if (Step < 0) throw new ArgumentException($"Rating scale step ({Step}) must be ≥ 0.");
        if (Step > 0 && Math.Abs(Math.Round((Max - Min) / Step) * Step - (Max - Min)) > GridTolerance)
            throw new ArgumentException($"Rating scale step ({Step}) must divide max − min ({Max - Min}).");
    }

    /// <summary>True when <paramref name="value"/> is a rating this scale accepts.</summary>
    public bool Contains(double value) => Validate(value) is null;

    /// <summary>Null when the value is acceptable, otherwise a human-readable reason.</summary>
    public string? Validate(double value)
    {
        if (!double.IsFinite(value)) return $"rating {Format(value)} is not a finite number";
        if (value < Min - GridTolerance || value > Max + GridTolerance)
            return $"rating {Format(value)} is outside the scale [{Format(Min)}, {Format(Max)}]";
        if (Step > 0)
        {
            var steps = (value - Min) / Step;
            if (Math.Abs(steps - Math.Round(steps)) > GridTolerance)
                return $"rating {Format(value)} is not a multiple of {Format(Step)} from {Format(Min)}";
        }
        return null;
    }

    /// <summary>Clamps a prediction into [Min, Max]; NaN maps to the midpoint so no caller ever sees it.</summary>
    public double Clamp(double prediction) =>
        double.IsNaN(prediction) ? Midpoint : Math.Clamp(prediction, Min, Max);

    public float Clamp(float prediction) => (float)Clamp((double)prediction);

    /// <summary>Parses "1-5" (step 1), "0.5-5:0.5" or "1-10:0" (continuous).</summary>
    public static RatingScale Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 2);
        var bounds = parts[0].Split('-', 2);
        if (bounds.Length != 2
            || !double.TryParse(bounds[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
            || !double.TryParse(bounds[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var max))
            throw new FormatException($"Rating scale '{text}' is not of the form MIN-MAX[:STEP], e.g. 1-5 or 0.5-5:0.5.");
        var step = 1.0;
        if (parts.Length == 2 && !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out step))
            throw new FormatException($"Rating scale step in '{text}' is not a number.");
        var scale = new RatingScale(min, max, step);
        scale.EnsureValid();
        return scale;
    }

    public override string ToString() =>
        $"{Format(Min)}-{Format(Max)}:{Format(Step)}";

    private static string Format(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
