using OnlineRec.Core.Model;
using OnlineRec.Core.Training;

namespace OnlineRec.Grains.Options;

/// <summary>Hyperparameters of the live model (section "Model" in appsettings).</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>Latent dimension k. Changing it invalidates installed versions; retrain after a change.</summary>
    public int Factors { get; set; } = 64;

    /// <summary>SGD learning rate η for online steps.</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>λ on latent factors for online steps.</summary>
    public float Regularization { get; set; } = 0.05f;

    /// <summary>λ on biases for online steps (decoupled from the factor λ).</summary>
    public float BiasRegularization { get; set; } = 0.01f;

    /// <summary>Standard deviation of the N(0, σ²) initial factors of a user or item never seen by a retrain.</summary>
    public float InitialStd { get; set; } = 0.1f;

    /// <summary>Ratings outside this scale are rejected; predictions are clamped to it. "1-5", "0.5-5:0.5", …</summary>
    public string RatingScale { get; set; } = "1-5:1";

    /// <summary>μ before the first retrain installs one; null = the scale's midpoint.</summary>
    public float? PriorGlobalMean { get; set; }

    /// <summary>How often each silo looks for a newly installed model version.</summary>
    public TimeSpan ModelPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public RatingScale ParsedScale() => Core.Model.RatingScale.Parse(RatingScale);

    public SgdStepParameters StepParameters() => new(LearningRate, Regularization, BiasRegularization);
}
