namespace OnlineRec.Core.Training;

/// <summary>How a row's regularisation weight grows with its number of ratings n.</summary>
public enum RegularizationScaling
{
    /// <summary>λ — the same for every row.</summary>
    None,

    /// <summary>λ·n — what per-rating SGD regularisation amounts to ("weighted-λ" ALS).</summary>
    Count,

    /// <summary>λ·√n — in between: heavy rows are shrunk less than with λ·n.</summary>
    SqrtCount,
}

/// <summary>
/// The penalty of the regularised squared loss, per row with n ratings:
///   λ_f·s_f(n)·‖p‖² + λ_b·s_b(n)·b².
/// Factor and bias weights are decoupled because biases are estimated from far fewer degrees of freedom.
/// </summary>
public readonly record struct Regularization(
    float FactorLambda,
    float BiasLambda,
    RegularizationScaling FactorScaling = RegularizationScaling.SqrtCount,
    RegularizationScaling BiasScaling = RegularizationScaling.None)
{
    public float FactorPenalty(int ratingCount) => FactorLambda * Scale(FactorScaling, ratingCount);

    public float BiasPenalty(int ratingCount) => BiasLambda * Scale(BiasScaling, ratingCount);

    public void Validate()
    {
        if (!float.IsFinite(FactorLambda) || FactorLambda < 0) throw new ArgumentOutOfRangeException(nameof(FactorLambda), FactorLambda, "λ must be finite and ≥ 0.");
        if (!float.IsFinite(BiasLambda) || BiasLambda < 0) throw new ArgumentOutOfRangeException(nameof(BiasLambda), BiasLambda, "Bias λ must be finite and ≥ 0.");
    }

    private static float Scale(RegularizationScaling scaling, int n) => scaling switch
    {
        RegularizationScaling.Count => n,
        RegularizationScaling.SqrtCount => MathF.Sqrt(n),
        _ => 1f,
    };
}
