using OnlineRec.Abstractions;
using Orleans.Concurrency;

namespace OnlineRec.Grains.Serving;

/// <summary>Answers item-to-item queries from this silo's replica, with no grain hop per item.</summary>
[StatelessWorker]
public sealed class ServingGrain(ItemFactorIndex itemIndex) : Grain, IServingGrain
{
    public Task<ScoredItem[]> Similar(string item, int count)
    {
        var similar = itemIndex.Similar(item, count);
        var result = new ScoredItem[similar.Length];
        for (var i = 0; i < similar.Length; i++) result[i] = new ScoredItem(similar[i].Item, similar[i].Score);
        return Task.FromResult(result);
    }
}
