using Microsoft.Extensions.Logging;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// One item's half of online learning, in plain code; <see cref="ItemGrain"/> is its Orleans shell. For each step a
/// user requests, it computes the error from the user's old row and its own, applies its half and answers with its
/// old row, so the user applies the other half: one call per rating. A step that would make either side non-finite
/// is refused and changes neither; a request under another model version than the item's is answered "stale".
/// </summary>
public sealed class ItemLearner(string item, ItemState state, ModelOptions options, ILogger logger)
{
    private readonly SgdStepParameters _step = options.StepParameters();

    public ItemState State => state;

    /// <summary>
    /// Takes <paramref name="model"/>'s row (or a seeded draw, for an item the version lacks) if the item is on an
    /// older version; true when the row changed, so that replicas must hear of it.
    /// </summary>
    public bool AdoptIfBehind(InstalledModel model)
    {
        if (state.Vector.Length == options.Factors && state.ModelVersion >= model.Version) return false;
        if (model.TryGetItemRow(item, out var bias, out var vector) && vector.Length == options.Factors)
        {
            state.Bias = bias;
            state.Vector = vector.ToArray();
            state.InModel = true;
        }
        else if (state.Vector.Length != options.Factors || model.Version > state.ModelVersion)
        {
            // Not in this version (new since its snapshot): restart from the seeded draw; users replay its ratings.
            state.Bias = 0;
            state.Vector = FactorInitializer.Create("item", item, options.Factors, options.InitialStd);
            state.InModel = false;
        }
        state.ModelVersion = model.Version;
        return true;
    }

    /// <summary>The item half of one step under <paramref name="model"/> (the installed version the item is on).</summary>
    public ItemStepResult Step(ItemStepRequest request, InstalledModel model)
    {
        if (request.ModelVersion != state.ModelVersion)
            return new ItemStepResult(ItemStepOutcome.StaleModelVersion, 0, 0, [], state.ModelVersion);
        if (request.UserVector.Length != state.Vector.Length)
            throw new ArgumentException($"User vector has {request.UserVector.Length} factors; item {item} has {state.Vector.Length}.");

        // e = r − (μ + b_u + b_i + p·q), the same expression and order as SgdKernel.Step, so results are bit-identical.
        var error = request.Rating - (model.GlobalMean + request.UserBias + state.Bias + VectorMath.Dot(request.UserVector, state.Vector));
        var newBias = SgdKernel.StepBias(state.Bias, error, _step);
        var newVector = (float[])state.Vector.Clone();
        SgdKernel.ApplyErrorOneSide(newVector, request.UserVector, error, _step.LearningRate, _step.FactorRegularization);
        if (!float.IsFinite(error) || !float.IsFinite(newBias) || !VectorMath.AllFinite(newVector)
            || !UserSideStaysFinite(request, state.Vector, error))
        {
            logger.LogWarning("Refused SGD step on item {Item} (sequence {Sequence}): it would produce a non-finite value.", item, request.Sequence);
            return new ItemStepResult(ItemStepOutcome.RejectedNonFinite, error, state.Bias, state.Vector, state.ModelVersion);
        }

        var old = new ItemStepResult(ItemStepOutcome.Applied, error, state.Bias, state.Vector, state.ModelVersion);
        state.Bias = newBias;
        state.Vector = newVector; // a fresh array: the old one now belongs to the (immutable) result
        state.StepsApplied++;
        state.LastSequence = Math.Max(state.LastSequence, request.Sequence);
        return old;
    }

    public FactorRow Factors() => new(state.Bias, (float[])state.Vector.Clone(), state.StepsApplied, state.ModelVersion);

    // The user applies its half with our old vector; check here that it stays finite so that a refused step changes
    // neither side (the user can't undo our half after the fact).
    private bool UserSideStaysFinite(ItemStepRequest request, float[] oldItemVector, float error)
    {
        if (!float.IsFinite(SgdKernel.StepBias(request.UserBias, error, _step))) return false;
        Span<float> scratch = request.UserVector.Length <= 1024 ? stackalloc float[request.UserVector.Length] : new float[request.UserVector.Length];
        request.UserVector.CopyTo(scratch);
        SgdKernel.ApplyErrorOneSide(scratch, oldItemVector, error, _step.LearningRate, _step.FactorRegularization);
        return VectorMath.AllFinite(scratch);
    }
}
