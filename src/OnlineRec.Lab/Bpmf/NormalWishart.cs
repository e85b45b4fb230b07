using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace OnlineRec.Lab.Bpmf;

/// <summary>A Gaussian prior N(μ, Λ⁻¹) over the rows of one side, as sampled from its Normal–Wishart posterior.</summary>
internal sealed record GaussianPrior(Vector<double> Mean, Matrix<double> Precision);

/// <summary>
/// The conjugate Normal–Wishart hyperprior of BPMF over one side's row distribution (μ, Λ):
/// Λ ~ W(W₀, ν₀), μ | Λ ~ N(μ₀, (β₀Λ)⁻¹). Given the current rows x₁..x_N it samples (μ, Λ) from the posterior.
/// </summary>
internal sealed class NormalWishart
{
    private readonly Vector<double> _mean0;
    private readonly Matrix<double> _inverseScale0;
    private readonly double _beta0;
    private readonly double _degrees0;

    public NormalWishart(int dimension, double beta0, double degreesOfFreedom0, double scale0)
    {
        _mean0 = Vector<double>.Build.Dense(dimension);
        _inverseScale0 = Matrix<double>.Build.DenseIdentity(dimension) / scale0;
        _beta0 = beta0;
        _degrees0 = degreesOfFreedom0;
    }

    public int Dimension => _mean0.Count;

    /// <summary>Samples (μ, Λ) given the rows stored [factors(k), bias] with factors in <paramref name="factors"/>.</summary>
    public GaussianPrior SamplePosterior(ReadOnlySpan<float> factors, ReadOnlySpan<float> bias, int rows, int k, Random random)
    {
        var d = Dimension;
        var mean = Vector<double>.Build.Dense(d);
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < k; f++) mean[f] += factors[r * k + f];
            if (d > k) mean[k] += bias[r];
        }
        if (rows > 0) mean /= rows;

        // Scatter Σ (x − x̄)(x − x̄)ᵀ, accumulated in place without allocating per row.
        var scatter = Matrix<double>.Build.Dense(d, d);
        var centred = new double[d];
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < k; f++) centred[f] = factors[r * k + f] - mean[f];
            if (d > k) centred[k] = bias[r] - mean[k];
            for (var a = 0; a < d; a++)
                for (var c = a; c < d; c++) scatter[a, c] += centred[a] * centred[c];
        }
        for (var a = 0; a < d; a++)
            for (var c = 0; c < a; c++) scatter[a, c] = scatter[c, a];

        var beta = _beta0 + rows;
        var degrees = _degrees0 + rows;
        var posteriorMean = (_beta0 * _mean0 + rows * mean) / beta;
        var offset = mean - _mean0;
        var inverseScale = _inverseScale0 + scatter + (_beta0 * rows / beta) * offset.OuterProduct(offset);
        inverseScale = 0.5 * (inverseScale + inverseScale.Transpose()); // keep it exactly symmetric
        var scale = inverseScale.Inverse();
        scale = 0.5 * (scale + scale.Transpose());

        var precision = SampleWishart(scale, degrees, random);
        var covariance = (precision * beta).Inverse();
        covariance = 0.5 * (covariance + covariance.Transpose());
        var sampledMean = posteriorMean + covariance.Cholesky().Factor * StandardNormal(d, random);
        return new GaussianPrior(sampledMean, precision);
    }

    /// <summary>Bartlett: Λ = L A Aᵀ Lᵀ with W = LLᵀ, A lower with A_ii² ~ χ²(ν − i), A_ij ~ N(0,1) below.</summary>
    internal static Matrix<double> SampleWishart(Matrix<double> scale, double degrees, Random random)
    {
        var d = scale.RowCount;
        var lower = scale.Cholesky().Factor;
        var a = Matrix<double>.Build.Dense(d, d);
        for (var i = 0; i < d; i++)
        {
            a[i, i] = Math.Sqrt(2.0 * Gamma.Sample(random, (degrees - i) / 2.0, 1.0));
            for (var j = 0; j < i; j++) a[i, j] = Normal.Sample(random, 0, 1);
        }
        var la = lower * a;
        var result = la * la.Transpose();
        return 0.5 * (result + result.Transpose());
    }

    private static Vector<double> StandardNormal(int d, Random random) =>
        Vector<double>.Build.Dense(d, _ => Normal.Sample(random, 0, 1));
}
