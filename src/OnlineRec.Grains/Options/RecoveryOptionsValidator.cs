using Microsoft.Extensions.Options;

namespace OnlineRec.Grains.Options;

/// <summary>Start-up rules for <see cref="RecoveryOptions"/> (section "Recovery").</summary>
public sealed class RecoveryOptionsValidator : IValidateOptions<RecoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, RecoveryOptions o) => new OptionsRules(RecoveryOptions.Section)
        .Positive(nameof(o.ReplayWindow), o.ReplayWindow)
        .Positive(nameof(o.SampleInterval), o.SampleInterval)
        .AtLeast(nameof(o.UsersInFlight), o.UsersInFlight, 1)
        .Result;
}
