using System.Globalization;
using Microsoft.Extensions.Options;

namespace OnlineRec.Grains.Options;

/// <summary>
/// Collects what is wrong with one options section for an <see cref="IValidateOptions{TOptions}"/>, each failure
/// naming the configuration key and the value it had ("Model:Factors = 0: must be in 1..1024"), so a bad setting stops
/// the silo at start with a line that says which setting to fix.
/// </summary>
public sealed class OptionsRules(string section)
{
    private readonly List<string> _failures = [];

    public OptionsRules Require(bool ok, string key, object? value, string rule)
    {
        if (!ok) _failures.Add($"{section}:{key} = {Format(value)}: {rule}");
        return this;
    }

    public OptionsRules InRange(string key, long value, long min, long max) =>
        Require(value >= min && value <= max, key, value, max == long.MaxValue ? $"must be ≥ {min}" : $"must be in {min}..{max}");

    public OptionsRules AtLeast(string key, long value, long min) => InRange(key, value, min, long.MaxValue);

    /// <summary>A finite number ≥ <paramref name="min"/> (or &gt; it when <paramref name="exclusive"/>).</summary>
    public OptionsRules Finite(string key, double value, double min, bool exclusive = false) =>
        Require(double.IsFinite(value) && (exclusive ? value > min : value >= min), key, value,
            $"must be a finite number {(exclusive ? ">" : "≥")} {min.ToString(CultureInfo.InvariantCulture)}");

    public OptionsRules Positive(string key, TimeSpan value) => Require(value > TimeSpan.Zero, key, value, "must be longer than zero");

    public OptionsRules NotNegative(string key, TimeSpan value) => Require(value >= TimeSpan.Zero, key, value, "must not be negative");

    public OptionsRules NotBlank(string key, string? value) => Require(!string.IsNullOrWhiteSpace(value), key, value, "must be set");

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    private static string Format(object? value) => value switch
    {
        null => "(empty)",
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
