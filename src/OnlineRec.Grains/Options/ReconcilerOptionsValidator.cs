using Microsoft.Extensions.Options;

namespace OnlineRec.Grains.Options;

/// <summary>Start-up rules for <see cref="ReconcilerOptions"/> (section "Reconciler").</summary>
public sealed class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcilerOptions o)
    {
        var rules = new OptionsRules(ReconcilerOptions.Section)
            .AtLeast(nameof(o.EveryNewRatings), o.EveryNewRatings, 0)
            .Positive(nameof(o.CheckInterval), o.CheckInterval)
            .AtLeast(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, 0)
            .AtLeast(nameof(o.Shards), o.Shards, 0)
            .Positive(nameof(o.WorkerCallTimeout), o.WorkerCallTimeout);
        if (o.Period is { } period) rules.NotNegative(nameof(o.Period), period);
        if (o.Iterations is { } iterations) rules.AtLeast(nameof(o.Iterations), iterations, 1);
        if (o.Regularization is { } lambda) rules.Finite(nameof(o.Regularization), lambda, 0);
        if (o.BiasRegularization is { } biasLambda) rules.Finite(nameof(o.BiasRegularization), biasLambda, 0);
        return rules.Result;
    }
}
