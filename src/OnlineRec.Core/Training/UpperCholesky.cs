using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>
/// Cholesky factorisation A = UᵀU of a small symmetric positive-definite matrix held as the upper triangle of a
/// row-major buffer, in place. Upper storage makes every inner loop a contiguous row operation (the trailing
/// update of the outer-product form and the back substitution's dot products), which vectorises; for the k ≤ ~256
/// systems of ALS/BPMF row solves this beats a general dense solver by avoiding its allocations and double precision.
/// </summary>
internal static class UpperCholesky
{
    /// <summary>
    /// Overwrites the upper triangle of <paramref name="a"/> (n×n, row stride <paramref name="stride"/>) with U.
    /// Returns false when a pivot is not positive and finite (matrix not numerically SPD); <paramref name="a"/> is then garbage.
    /// </summary>
    public static bool TryFactor(Span<float> a, int n, int stride)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = a.Slice(j * stride, n);
            var pivot = rowJ[j];
            if (!(pivot > 0f) || !float.IsFinite(pivot)) return false;
            var diagonal = MathF.Sqrt(pivot);
            rowJ[j] = diagonal;
            var inverse = 1f / diagonal;
            var tail = rowJ[(j + 1)..];
            for (var c = 0; c < tail.Length; c++) tail[c] *= inverse;
            // Outer-product update of the trailing block: A[i, i..] −= U[j, i]·U[j, i..] for i > j.
            for (var i = j + 1; i < n; i++)
            {
                var uji = rowJ[i];
                if (uji != 0f) DenseKernels.AddScaled(a.Slice(i * stride + i, n - i), -uji, rowJ[i..]);
            }
        }
        return true;
    }

    /// <summary>Solves Uᵀy = b in place (b becomes y). Column-oriented so each step is a contiguous axpy.</summary>
    public static void SolveLowerTransposed(ReadOnlySpan<float> u, int n, int stride, Span<float> b)
    {
        for (var m = 0; m < n; m++)
        {
            var row = u.Slice(m * stride, n);
            var y = b[m] / row[m];
            b[m] = y;
            if (y != 0f) DenseKernels.AddScaled(b[(m + 1)..n], -y, row[(m + 1)..]);
        }
    }

    /// <summary>Solves Ux = y in place (y becomes x).</summary>
    public static void SolveUpper(ReadOnlySpan<float> u, int n, int stride, Span<float> y)
    {
        for (var i = n - 1; i >= 0; i--)
        {
            var row = u.Slice(i * stride, n);
            var dot = i + 1 < n ? VectorMath.Dot(row[(i + 1)..], y[(i + 1)..n]) : 0f;
            y[i] = (y[i] - dot) / row[i];
        }
    }

    /// <summary>Solves (UᵀU)x = b in place after <see cref="TryFactor"/>.</summary>
    public static void Solve(ReadOnlySpan<float> u, int n, int stride, Span<float> b)
    {
        SolveLowerTransposed(u, n, stride, b);
        SolveUpper(u, n, stride, b);
    }
}
