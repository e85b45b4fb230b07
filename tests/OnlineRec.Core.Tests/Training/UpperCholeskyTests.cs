using MathNet.Numerics.LinearAlgebra;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;

namespace OnlineRec.Core.Tests.Training;

public sealed class UpperCholeskyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(17)]
    [InlineData(65)]
    public void Solves_a_random_spd_system_like_mathnet(int n)
    {
        var random = new Random(n);
        var b = Matrix<double>.Build.Dense(n + 3, n, (_, _) => random.NextGaussian());
        var a = b.TransposeThisAndMultiply(b) + Matrix<double>.Build.DenseIdentity(n);
        var rhs = Vector<double>.Build.Dense(n, _ => random.NextGaussian());
        var expected = a.Cholesky().Solve(rhs);

        var stride = (n + 7) & ~7;
        var packed = new float[n * stride];
        for (var r = 0; r < n; r++)
            for (var c = r; c < n; c++) packed[r * stride + c] = (float)a[r, c];
        var x = rhs.Select(v => (float)v).ToArray();

        Assert.True(UpperCholesky.TryFactor(packed, n, stride));
        UpperCholesky.Solve(packed, n, stride, x);

        for (var i = 0; i < n; i++) Assert.Equal(expected[i], x[i], 1e-3 * (1 + Math.Abs(expected[i])));
    }

    [Fact]
    public void Reports_a_matrix_that_is_not_positive_definite()
    {
        float[] a = [1, 2, 0, 0, 0, 0, 0, 0, /* row 1 */ 0, 1, 0, 0, 0, 0, 0, 0];
        Assert.False(UpperCholesky.TryFactor(a, 2, 8));
    }
}
