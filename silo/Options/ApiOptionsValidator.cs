using Microsoft.Extensions.Options;
using OnlineRec.Grains.Options;

namespace OnlineRec.Silo.Options;

/// <summary>Start-up rules for <see cref="ApiOptions"/> (section "Api").</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions o) => new OptionsRules(ApiOptions.Section)
        .AtLeast(nameof(o.MaxRequestBodyBytes), o.MaxRequestBodyBytes, 1)
        .AtLeast(nameof(o.MaxResults), o.MaxResults, 1)
        .AtLeast(nameof(o.MaxPredictionPairs), o.MaxPredictionPairs, 1)
        .Result;
}
