using Microsoft.Extensions.Options;

namespace OnlineRec.Grains.Options;

/// <summary>Start-up rules for <see cref="ModelOptions"/> (section "Model").</summary>
public sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions o)
    {
        var rules = new OptionsRules(ModelOptions.Section)
            .InRange(nameof(o.Factors), o.Factors, 1, 1024)
            .Finite(nameof(o.LearningRate), o.LearningRate, 0, exclusive: true)
            .Finite(nameof(o.Regularization), o.Regularization, 0)
            .Finite(nameof(o.BiasRegularization), o.BiasRegularization, 0)
            .Finite(nameof(o.InitialStd), o.InitialStd, 0)
            .Positive(nameof(o.ModelPollInterval), o.ModelPollInterval);
        string? scaleProblem = null;
        try
        {
            var scale = o.ParsedScale();
            if (o.PriorGlobalMean is { } mean)
                rules.Require(float.IsFinite(mean) && mean >= scale.Min && mean <= scale.Max, nameof(o.PriorGlobalMean), mean,
                    $"must lie on the rating scale {scale}");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            scaleProblem = ex.Message;
        }
        return rules.Require(scaleProblem is null, nameof(o.RatingScale), o.RatingScale, scaleProblem ?? "").Result;
    }
}
