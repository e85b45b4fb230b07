using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
        if (a.Length < n * stride) throw new ArgumentException("Matrix buffer too small.", nameof(a));
        // Whole-vector updates need zero padding up to the stride and a stride that is a whole number of vectors.
        var aligned = Vector256.IsHardwareAccelerated && stride % Vector256<float>.Count == 0;
        for (var j = 0; j < n; j++)
        {
            var rowJ = a.Slice(j * stride, stride);
            var pivot = rowJ[j];
            if (!(pivot > 0f) || !float.IsFinite(pivot)) return false;
            var diagonal = MathF.Sqrt(pivot);
            rowJ[j] = diagonal;
            var inverse = 1f / diagonal;
            for (var c = j + 1; c < n; c++) rowJ[c] *= inverse;
            // Outer-product update of the trailing block: A[i, i..] −= U[j, i]·U[j, i..] for i > j.
            for (var i = j + 1; i < n; i++)
            {
                var uji = rowJ[i];
                if (uji == 0f) continue;
                if (aligned)
                {
                    // From the vector boundary at or below the diagonal: the extra entries left of i are lower-triangle
                    // scratch that is never read, and the padding right of n stays zero because U[j]'s padding is zero.
                    var from = i & ~(Vector256<float>.Count - 1);
                    SubtractScaledVectors(a.Slice(i * stride + from, stride - from), uji, rowJ[from..]);
                }
                else
                {
                    DenseKernels.AddScaled(a.Slice(i * stride + i, n - i), -uji, rowJ[i..n]);
                }
            }
        }
        return true;
    }

    // y −= α·x over whole vectors (length a multiple of the vector width).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SubtractScaledVectors(Span<float> y, float alpha, ReadOnlySpan<float> x)
    {
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rx = ref MemoryMarshal.GetReference(x);
        var negated = Vector256.Create(-alpha);
        for (var c = 0; c < y.Length; c += Vector256<float>.Count)
            Vector256.FusedMultiplyAdd(negated, Vector256.LoadUnsafe(ref rx, (nuint)c), Vector256.LoadUnsafe(ref ry, (nuint)c))
                .StoreUnsafe(ref ry, (nuint)c);
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
