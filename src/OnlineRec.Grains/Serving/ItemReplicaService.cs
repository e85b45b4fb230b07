using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Runtime.Services;
using Orleans.Services;

namespace OnlineRec.Grains.Serving;

/// <summary>An item row as shipped between silos' replicas.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.item-row-update")]
public sealed record ItemRowUpdate(string Item, float Bias, float[] Vector, int ModelVersion);

/// <summary>One instance per silo: lets other silos push item rows into this silo's <see cref="ItemFactorIndex"/>.</summary>
[Alias("onlinerec.item-replica-service")]
public interface IItemReplicaService : IGrainService
{
    [Alias("ApplyUpdates")]
    Task ApplyUpdates(ItemRowUpdate[] updates);
}

[Reentrant]
public sealed class ItemReplicaService(GrainId id, Silo silo, ILoggerFactory loggerFactory, ItemFactorIndex index)
    : GrainService(id, silo, loggerFactory), IItemReplicaService
{
    public Task ApplyUpdates(ItemRowUpdate[] updates)
    {
        foreach (var u in updates) index.Update(u.Item, u.Bias, u.Vector, u.ModelVersion);
        return Task.CompletedTask;
    }
}

/// <summary>Addresses the replica service of a given silo.</summary>
public interface IItemReplicaServiceClient : IGrainServiceClient<IItemReplicaService>
{
    IItemReplicaService On(SiloAddress silo);
}

public sealed class ItemReplicaServiceClient(IServiceProvider services)
    : GrainServiceClient<IItemReplicaService>(services), IItemReplicaServiceClient
{
    public IItemReplicaService On(SiloAddress silo) => GetGrainService(silo);
}
