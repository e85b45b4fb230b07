using Microsoft.Extensions.Options;

namespace OnlineRec.Grains.Options;

/// <summary>Start-up rules for <see cref="ServingOptions"/> (section "Serving").</summary>
public sealed class ServingOptionsValidator : IValidateOptions<ServingOptions>
{
    public ValidateOptionsResult Validate(string? name, ServingOptions o) => new OptionsRules(ServingOptions.Section)
        .NotNegative(nameof(o.RecommendationMaxAge), o.RecommendationMaxAge)
        .Result;
}
