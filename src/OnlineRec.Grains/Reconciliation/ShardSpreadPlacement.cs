using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace OnlineRec.Grains.Reconciliation;

/// <summary>
/// Places an integer-keyed grain on silo (key mod silo count) of the compatible silos in address order, so shards
/// 0..n−1 of a retrain land on different silos whenever there are at least n (random placement often doubles up).
/// The order is recomputed per activation, so after a silo leaves, new activations spread over those that remain.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("onlinerec.shard-spread-placement")]
public sealed class ShardSpreadPlacement : PlacementStrategy
{
    internal static readonly ShardSpreadPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardSpreadPlacementAttribute() : PlacementAttribute(ShardSpreadPlacement.Instance);

internal sealed class ShardSpreadPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0) throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var key = target.GrainIdentity.GetIntegerKey();
        return Task.FromResult(ordered[(int)((ulong)key % (ulong)ordered.Length)]);
    }
}
