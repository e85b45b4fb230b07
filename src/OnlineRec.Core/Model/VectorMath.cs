using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OnlineRec.Core.Model;

/// <summary>Small SIMD helpers for latent vectors (float32, typical length 8..256).</summary>
public static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) ThrowLengthMismatch();
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var n = a.Length;
        var i = 0;
        var sum = 0f;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            for (; i <= n - 2 * Vector256<float>.Count; i += 2 * Vector256<float>.Count)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(i + 8)), Vector256.LoadUnsafe(ref rb, (nuint)(i + 8)), acc1);
            }
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), acc0);
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        return sum;
    }

    /// <summary>
    /// Dot products of <paramref name="a"/> with four consecutive rows of <paramref name="rows"/> (row r at r × a.Length),
    /// each bit-identical to <see cref="Dot"/> of that row: the same lanes, the same accumulation order. Loading
    /// <paramref name="a"/> once for four rows and keeping eight independent FMA chains is what makes scans fast.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Dot4(ReadOnlySpan<float> a, ReadOnlySpan<float> rows)
    {
        var n = a.Length;
        if (rows.Length < 4 * n) ThrowLengthMismatch();
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var r0 = ref MemoryMarshal.GetReference(rows);
        ref var r1 = ref Unsafe.Add(ref r0, n);
        ref var r2 = ref Unsafe.Add(ref r0, 2 * n);
        ref var r3 = ref Unsafe.Add(ref r0, 3 * n);
        var i = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> a0 = default, b0 = default, c0 = default, d0 = default;
            Vector256<float> a1 = default, b1 = default, c1 = default, d1 = default;
            for (; i <= n - 2 * Vector256<float>.Count; i += 2 * Vector256<float>.Count)
            {
                var x0 = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var x1 = Vector256.LoadUnsafe(ref ra, (nuint)(i + 8));
                a0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref r0, (nuint)i), a0);
                b0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref r1, (nuint)i), b0);
                c0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref r2, (nuint)i), c0);
                d0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref r3, (nuint)i), d0);
                a1 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref r0, (nuint)(i + 8)), a1);
                b1 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref r1, (nuint)(i + 8)), b1);
                c1 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref r2, (nuint)(i + 8)), c1);
                d1 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref r3, (nuint)(i + 8)), d1);
            }
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var x0 = Vector256.LoadUnsafe(ref ra, (nuint)i);
                a0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref r0, (nuint)i), a0);
                b0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref r1, (nuint)i), b0);
                c0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref r2, (nuint)i), c0);
                d0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref r3, (nuint)i), d0);
            }
            s0 = Vector256.Sum(a0 + a1);
            s1 = Vector256.Sum(b0 + b1);
            s2 = Vector256.Sum(c0 + c1);
            s3 = Vector256.Sum(d0 + d1);
        }
        for (; i < n; i++)
        {
            var x = Unsafe.Add(ref ra, i);
            s0 += x * Unsafe.Add(ref r0, i);
            s1 += x * Unsafe.Add(ref r1, i);
            s2 += x * Unsafe.Add(ref r2, i);
            s3 += x * Unsafe.Add(ref r3, i);
        }
        return Vector128.Create(s0, s1, s2, s3);
    }

    /// <summary>Euclidean norm.</summary>
    public static float Norm(ReadOnlySpan<float> a) => MathF.Sqrt(Dot(a, a));

    /// <summary>True when every element is finite (no NaN, no ±∞).</summary>
    public static bool AllFinite(ReadOnlySpan<float> a)
    {
        ref var ra = ref MemoryMarshal.GetReference(a);
        var n = a.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            // NaN and ±∞ are exactly the floats whose exponent bits are all ones; OR the per-lane verdicts, test once.
            var exponent = Vector256.Create(0x7F800000u);
            var nonFinite = Vector256<uint>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                nonFinite |= Vector256.Equals(Vector256.LoadUnsafe(ref ra, (nuint)i).AsUInt32() & exponent, exponent);
            if (nonFinite != Vector256<uint>.Zero) return false;
        }
        for (; i < n; i++)
            if (!float.IsFinite(Unsafe.Add(ref ra, i))) return false;
        return true;
    }

    private static void ThrowLengthMismatch() => throw new ArgumentException("Vectors must have the same length.");
}
