using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// One item as an Orleans grain: the shell around its <see cref="ItemLearner"/>. The grain adds the persisted state,
/// written behind, and ships every changed row to this silo's <see cref="ItemFactorIndex"/> at once and to the other
/// silos' replicas through the <see cref="ItemUpdateBroadcaster"/>.
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
    private WriteBehind<ItemState> _writeBehind = null!;
    private ItemLearner _learner = null!;

    // GetPrimaryKeyString decodes the grain id's UTF-8 into a new string on every call, and every step publishes the
    // row under it: decode once per activation.
    private string? _id;
    private string Id => _id ??= this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind = new WriteBehind<ItemState>(this, state, learningOptions.Value.WriteBehindInterval, logger);
        _learner = new ItemLearner(Id, state.State, options.Value, logger);
        if (_learner.AdoptIfBehind(catalog.Current)) Changed();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _writeBehind.FlushAsync();

    public async Task<ItemStepResult> Step(ItemStepRequest request)
    {
        var model = request.ModelVersion > catalog.Current.Version
            ? await catalog.EnsureVersionAsync(request.ModelVersion)
            : catalog.Current;
        if (_learner.AdoptIfBehind(model)) Changed();
        var result = _learner.Step(request, model);
        if (result.Outcome == ItemStepOutcome.Applied) Changed();
        return result;
    }

    public Task<FactorRow> GetFactors()
    {
        if (_learner.AdoptIfBehind(catalog.Current)) Changed();
        return Task.FromResult(_learner.Factors());
    }

    private void Changed()
    {
        var s = _learner.State;
        _writeBehind.MarkDirty();
        itemIndex.Update(Id, s.Bias, s.Vector, s.ModelVersion);
        broadcaster.Enqueue(Id, s.Bias, s.Vector, s.ModelVersion);
    }
}
