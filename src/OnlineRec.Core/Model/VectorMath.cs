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
