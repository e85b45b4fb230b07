using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// Holds one item's bias and latent vector. Computes each SGD step's error from the user's old parameters and its own,
/// applies its half, and returns its old parameters so the user applies the other half: one grain call per rating.
/// </summary>
public sealed class ItemGrain(
    [PersistentState("item", GrainStorageNames.State)] IPersistentState<ItemState> state,
    ModelCatalog catalog,
    ItemFactorIndex itemIndex,
    ItemUpdateBroadcaster broadcaster,
    IOptions<ModelOptions> options,
    IOptions<LearningOptions> learningOptions,
    ILogger<ItemGrain> logger) : Grain, IItemGrain
{
    private readonly ModelOptions _options = options.Value;
    private readonly SgdStepParameters _step = options.Value.StepParameters();
    private WriteBehind<ItemState> _writeBehind = null!;

    // GetPrimaryKeyString decodes the grain id's UTF-8 into a new string on every call, and the learning path asks
    // several times per rating (replica and broadcaster keys, the batch's user check): decode once per activation.
    private string? _id;
    private string Id => _id ??= this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind = new WriteBehind<ItemState>(this, state, learningOptions.Value.WriteBehindInterval, logger);
        AdoptIfBehind(catalog.Current);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _writeBehind.FlushAsync();

    public async Task<ItemStepResult> Step(ItemStepRequest request)
    {
        var model = request.ModelVersion > catalog.Current.Version
            ? await catalog.EnsureVersionAsync(request.ModelVersion)
            : catalog.Current;
        AdoptIfBehind(model);
        var s = state.State;
        if (request.ModelVersion != s.ModelVersion)
            return new ItemStepResult(ItemStepOutcome.StaleModelVersion, 0, 0, [], s.ModelVersion);
        if (request.UserVector.Length != s.Vector.Length)
            throw new ArgumentException($"User vector has {request.UserVector.Length} factors; item {Id} has {s.Vector.Length}.");

        // e = r − (μ + b_u + b_i + p·q), the same expression and order as SgdKernel.Step, so results are bit-identical.
        var error = request.Rating - (model.GlobalMean + request.UserBias + s.Bias + VectorMath.Dot(request.UserVector, s.Vector));
        var newBias = SgdKernel.StepBias(s.Bias, error, _step);
        var newVector = (float[])s.Vector.Clone();
        SgdKernel.ApplyErrorOneSide(newVector, request.UserVector, error, _step.LearningRate, _step.FactorRegularization);
        if (!float.IsFinite(error) || !float.IsFinite(newBias) || !VectorMath.AllFinite(newVector)
            || !UserSideStaysFinite(request, s.Vector, error))
        {
            logger.LogWarning("Refused SGD step on item {Item} (sequence {Sequence}): it would produce a non-finite value.", Id, request.Sequence);
            return new ItemStepResult(ItemStepOutcome.RejectedNonFinite, error, s.Bias, s.Vector, s.ModelVersion);
        }

        var old = new ItemStepResult(ItemStepOutcome.Applied, error, s.Bias, s.Vector, s.ModelVersion);
        s.Bias = newBias;
        s.Vector = newVector; // a fresh array: the old one now belongs to the (immutable) result
        s.StepsApplied++;
        s.LastSequence = Math.Max(s.LastSequence, request.Sequence);
        _writeBehind.MarkDirty();
        itemIndex.Update(Id, s.Bias, s.Vector, s.ModelVersion);
        broadcaster.Enqueue(Id, s.Bias, s.Vector, s.ModelVersion);
        return old;
    }

    public Task<FactorRow> GetFactors()
    {
        AdoptIfBehind(catalog.Current);
        var s = state.State;
        return Task.FromResult(new FactorRow(s.Bias, (float[])s.Vector.Clone(), s.StepsApplied, s.ModelVersion));
    }

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

    private void AdoptIfBehind(InstalledModel model)
    {
        var s = state.State;
        if (s.Vector.Length == _options.Factors && s.ModelVersion >= model.Version) return;
        if (model.TryGetItemRow(Id, out var bias, out var vector) && vector.Length == _options.Factors)
        {
            s.Bias = bias;
            s.Vector = vector.ToArray();
            s.InModel = true;
        }
        else if (s.Vector.Length != _options.Factors || model.Version > s.ModelVersion)
        {
            // Not in this version (new since its snapshot): restart from the seeded draw; users replay its ratings.
            s.Bias = 0;
            s.Vector = FactorInitializer.Create("item", Id, _options.Factors, _options.InitialStd);
            s.InModel = false;
        }
        s.ModelVersion = model.Version;
        _writeBehind.MarkDirty();
        itemIndex.Update(Id, s.Bias, s.Vector, s.ModelVersion);
        broadcaster.Enqueue(Id, s.Bias, s.Vector, s.ModelVersion);
    }
}
