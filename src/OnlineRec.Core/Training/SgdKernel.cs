using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>Learning rate η and the regularisation λ for factors and (decoupled) for biases.</summary>
public readonly record struct SgdStepParameters(float LearningRate, float FactorRegularization, float BiasRegularization)
{
    public SgdStepParameters(float learningRate, float regularization) : this(learningRate, regularization, regularization) { }

    public bool IsValid =>
        float.IsFinite(LearningRate) && LearningRate > 0
        && float.IsFinite(FactorRegularization) && FactorRegularization >= 0
        && float.IsFinite(BiasRegularization) && BiasRegularization >= 0;
}

/// <summary>
/// One stochastic-gradient step of regularised MF on a single (user, item, rating), in place.
/// Both vectors are updated from their <em>old</em> values:
///   e = r − r̂;  b_u += η(e − λ_b b_u);  b_i += η(e − λ_b b_i);
///   p_u += η(e q_i − λ p_u);  q_i += η(e p_u − λ q_i).
/// Span-based so a grain can call it on its own state without copying.
/// </summary>
public static class SgdKernel
{
    /// <summary>The lecture-notes step without biases: r̂ = w·h. Returns the error e = r − w·h.</summary>
    public static float Step(Span<float> w, Span<float> h, float rating, float learningRate, float regularization = 0f)
    {
        var error = rating - VectorMath.Dot(w, h);
        ApplyError(w, h, error, learningRate, regularization);
        return error;
    }

    /// <summary>Applies a step for a known error e (the notes' second worked example starts from e).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ApplyError(Span<float> w, Span<float> h, float error, float learningRate, float regularization)
    {
        if (w.Length != h.Length) throw new ArgumentException("Vectors must have the same length.");
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rh = ref MemoryMarshal.GetReference(h);
        var n = w.Length;
        var i = 0;
        // w' = w + η(e h − λ w) = w(1 − ηλ) + (ηe) h ; h' likewise, both from the old w and h.
        var decay = 1f - learningRate * regularization;
        var scaledError = learningRate * error;
        if (Vector256.IsHardwareAccelerated)
        {
            var vDecay = Vector256.Create(decay);
            var vErr = Vector256.Create(scaledError);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var wOld = Vector256.LoadUnsafe(ref rw, (nuint)i);
                var hOld = Vector256.LoadUnsafe(ref rh, (nuint)i);
                Vector256.FusedMultiplyAdd(vErr, hOld, wOld * vDecay).StoreUnsafe(ref rw, (nuint)i);
                Vector256.FusedMultiplyAdd(vErr, wOld, hOld * vDecay).StoreUnsafe(ref rh, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            var wOld = Unsafe.Add(ref rw, i);
            var hOld = Unsafe.Add(ref rh, i);
            Unsafe.Add(ref rw, i) = MathF.FusedMultiplyAdd(scaledError, hOld, wOld * decay);
            Unsafe.Add(ref rh, i) = MathF.FusedMultiplyAdd(scaledError, wOld, hOld * decay);
        }
    }

    /// <summary>
    /// One side of <see cref="ApplyError"/>: target' = target(1 − ηλ) + ηe·other, with <paramref name="other"/> the
    /// other side's OLD vector. When user and item live in different grains each applies its own half; the
    /// arithmetic is the same per element as the joint step, so the result is bit-for-bit identical.
    /// </summary>
    public static void ApplyErrorOneSide(Span<float> target, ReadOnlySpan<float> other, float error, float learningRate, float regularization)
    {
        if (target.Length != other.Length) throw new ArgumentException("Vectors must have the same length.");
        ref var rt = ref MemoryMarshal.GetReference(target);
        ref var ro = ref MemoryMarshal.GetReference(other);
        var n = target.Length;
        var i = 0;
        var decay = 1f - learningRate * regularization;
        var scaledError = learningRate * error;
        if (Vector256.IsHardwareAccelerated)
        {
            var vDecay = Vector256.Create(decay);
            var vErr = Vector256.Create(scaledError);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var tOld = Vector256.LoadUnsafe(ref rt, (nuint)i);
                Vector256.FusedMultiplyAdd(vErr, Vector256.LoadUnsafe(ref ro, (nuint)i), tOld * vDecay).StoreUnsafe(ref rt, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref rt, i) = MathF.FusedMultiplyAdd(scaledError, Unsafe.Add(ref ro, i), Unsafe.Add(ref rt, i) * decay);
    }

    /// <summary>The bias half of the step: b' = b + η(e − λ_b b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float StepBias(float bias, float error, in SgdStepParameters parameters) =>
        bias + parameters.LearningRate * (error - parameters.BiasRegularization * bias);

    /// <summary>
    /// The biased step, unchecked: the hot loop of batch trainers whose inputs are known to be sane.
    /// Returns the error e = r − (μ + b_u + b_i + p·q) computed before the update.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Step(ref float userBias, ref float itemBias, Span<float> p, Span<float> q,
        float globalMean, float rating, in SgdStepParameters parameters)
    {
        var error = rating - (globalMean + userBias + itemBias + VectorMath.Dot(p, q));
        var eta = parameters.LearningRate;
        userBias = StepBias(userBias, error, parameters);
        itemBias = StepBias(itemBias, error, parameters);
        ApplyError(p, q, error, eta, parameters.FactorRegularization);
        return error;
    }

    /// <summary>
    /// The biased step, checked: the state changes only if every resulting value is finite; otherwise
    /// nothing is touched and false is returned. This is the entry point for live state (grains).
    /// </summary>
    public static bool TryStep(ref float userBias, ref float itemBias, Span<float> p, Span<float> q,
        float globalMean, float rating, in SgdStepParameters parameters, out float error)
    {
        error = rating - (globalMean + userBias + itemBias + VectorMath.Dot(p, q));
        if (!float.IsFinite(error) || !parameters.IsValid || p.Length != q.Length) return false;

        var newBu = StepBias(userBias, error, parameters);
        var newBi = StepBias(itemBias, error, parameters);
        if (!float.IsFinite(newBu) || !float.IsFinite(newBi)) return false;
        // Check first, then write: the check evaluates exactly the arithmetic of ApplyError without storing, so
        // "finite here" means "finite when applied" — no scratch copy of the vectors is needed.
        if (!UpdateStaysFinite(p, q, error, parameters.LearningRate, parameters.FactorRegularization)) return false;

        userBias = newBu;
        itemBias = newBi;
        ApplyError(p, q, error, parameters.LearningRate, parameters.FactorRegularization);
        return true;
    }

    /// <summary>True when every value <see cref="ApplyError"/> would write is finite (same operations, no stores).</summary>
    private static bool UpdateStaysFinite(ReadOnlySpan<float> w, ReadOnlySpan<float> h, float error, float learningRate, float regularization)
    {
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rh = ref MemoryMarshal.GetReference(h);
        var n = w.Length;
        var i = 0;
        var decay = 1f - learningRate * regularization;
        var scaledError = learningRate * error;
        if (Vector256.IsHardwareAccelerated)
        {
            var vDecay = Vector256.Create(decay);
            var vErr = Vector256.Create(scaledError);
            var exponent = Vector256.Create(0x7F800000u);
            var nonFinite = Vector256<uint>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var wOld = Vector256.LoadUnsafe(ref rw, (nuint)i);
                var hOld = Vector256.LoadUnsafe(ref rh, (nuint)i);
                var wNew = Vector256.FusedMultiplyAdd(vErr, hOld, wOld * vDecay).AsUInt32() & exponent;
                var hNew = Vector256.FusedMultiplyAdd(vErr, wOld, hOld * vDecay).AsUInt32() & exponent;
                nonFinite |= Vector256.Equals(wNew, exponent) | Vector256.Equals(hNew, exponent);
            }
            if (nonFinite != Vector256<uint>.Zero) return false;
        }
        for (; i < n; i++)
        {
            var wOld = Unsafe.Add(ref rw, i);
            var hOld = Unsafe.Add(ref rh, i);
            if (!float.IsFinite(MathF.FusedMultiplyAdd(scaledError, hOld, wOld * decay))
                || !float.IsFinite(MathF.FusedMultiplyAdd(scaledError, wOld, hOld * decay))) return false;
        }
        return true;
    }
}
