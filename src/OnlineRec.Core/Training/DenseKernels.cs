using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OnlineRec.Core.Training;

/// <summary>
/// Vectorised building blocks for the small dense systems of row solves: y += αx, and the symmetric rank-4 update
/// of a Gram matrix. Matrices are row-major with a stride that is a multiple of 8 floats and zero padding.
/// </summary>
internal static class DenseKernels
{
    /// <summary>Rounds a row width up to a whole number of 256-bit vectors.</summary>
    public static int PaddedStride(int width) => (width + 7) & ~7;

    /// <summary>y += α·x over equal lengths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(Span<float> y, float alpha, ReadOnlySpan<float> x)
    {
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rx = ref MemoryMarshal.GetReference(x);
        var n = Math.Min(y.Length, x.Length);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i))
                    .StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = MathF.FusedMultiplyAdd(alpha, Unsafe.Add(ref rx, i), Unsafe.Add(ref ry, i));
    }

    /// <summary>
    /// G += Σ_{r&lt;4} z_r z_rᵀ on the upper triangle (plus the lower part of each diagonal 8-block, which is never read).
    /// The four z rows lie back to back in <paramref name="z4"/> with <paramref name="stride"/> floats each and zero padding;
    /// unused rows must be zero. Batching four ratings per pass quarters the loads and stores of G, which dominate.
    /// </summary>
    public static void AddRank4Upper(Span<float> gram, ReadOnlySpan<float> z4, int dimension, int stride)
    {
        if (gram.Length < dimension * stride || z4.Length < 4 * stride) throw new ArgumentException("Buffers too small.");
        ref var g = ref MemoryMarshal.GetReference(gram);
        ref var z0 = ref MemoryMarshal.GetReference(z4);
        ref var z1 = ref Unsafe.Add(ref z0, stride);
        ref var z2 = ref Unsafe.Add(ref z0, 2 * stride);
        ref var z3 = ref Unsafe.Add(ref z0, 3 * stride);
        if (Vector256.IsHardwareAccelerated)
        {
            for (var a = 0; a < dimension; a++)
            {
                var a0 = Vector256.Create(Unsafe.Add(ref z0, a));
                var a1 = Vector256.Create(Unsafe.Add(ref z1, a));
                var a2 = Vector256.Create(Unsafe.Add(ref z2, a));
                var a3 = Vector256.Create(Unsafe.Add(ref z3, a));
                ref var row = ref Unsafe.Add(ref g, a * stride);
                for (var c = a & ~7; c < stride; c += 8)
                {
                    var acc = Vector256.LoadUnsafe(ref row, (nuint)c);
                    acc = Vector256.FusedMultiplyAdd(a0, Vector256.LoadUnsafe(ref z0, (nuint)c), acc);
                    acc = Vector256.FusedMultiplyAdd(a1, Vector256.LoadUnsafe(ref z1, (nuint)c), acc);
                    acc = Vector256.FusedMultiplyAdd(a2, Vector256.LoadUnsafe(ref z2, (nuint)c), acc);
                    acc = Vector256.FusedMultiplyAdd(a3, Vector256.LoadUnsafe(ref z3, (nuint)c), acc);
                    acc.StoreUnsafe(ref row, (nuint)c);
                }
            }
            return;
        }
        for (var a = 0; a < dimension; a++)
        {
            float s0 = Unsafe.Add(ref z0, a), s1 = Unsafe.Add(ref z1, a), s2 = Unsafe.Add(ref z2, a), s3 = Unsafe.Add(ref z3, a);
            ref var row = ref Unsafe.Add(ref g, a * stride);
            for (var c = a; c < dimension; c++)
                Unsafe.Add(ref row, c) += s0 * Unsafe.Add(ref z0, c) + s1 * Unsafe.Add(ref z1, c)
                    + s2 * Unsafe.Add(ref z2, c) + s3 * Unsafe.Add(ref z3, c);
        }
    }
}
