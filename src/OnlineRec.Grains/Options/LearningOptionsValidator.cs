using Microsoft.Extensions.Options;

namespace OnlineRec.Grains.Options;

/// <summary>Start-up rules for <see cref="LearningOptions"/> (section "Learning").</summary>
public sealed class LearningOptionsValidator : IValidateOptions<LearningOptions>
{
    public ValidateOptionsResult Validate(string? name, LearningOptions o) => new OptionsRules(LearningOptions.Section)
        .Positive(nameof(o.WriteBehindInterval), o.WriteBehindInterval)
        .InRange(nameof(o.StreamPartitions), o.StreamPartitions, 1, 1024)
        .AtLeast(nameof(o.MaxBatchSize), o.MaxBatchSize, 1)
        .Result;
}
