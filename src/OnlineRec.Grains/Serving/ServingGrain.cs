using System.Diagnostics;
using OnlineRec.Abstractions;
using Orleans.Concurrency;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// Answers item-to-item queries and batched predictions/recommendations from this silo's replicas, with no grain hop
/// per item or (for users active here) per user. Reentrant: a batch waiting on a user grain must not hold up others.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ServingGrain(ItemFactorIndex itemIndex, ServingReads reads) : Grain, IServingGrain
{
    public Task<ScoredItem[]> Similar(string item, int count)
    {
        var similar = itemIndex.Similar(item, count);
        var result = new ScoredItem[similar.Length];
        for (var i = 0; i < similar.Length; i++) result[i] = new ScoredItem(similar[i].Item, similar[i].Score);
        return Task.FromResult(result);
    }

    public Task<PredictionAnswers> PredictBatch(PredictionQuery query, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        return ServingMetrics.Observe(reads.PredictAsync(query), startedAt, query.Users.Count, ServingMetrics.Predict);
    }

    public Task<RecommendationAnswers> RecommendBatch(RecommendationQuery query, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        return ServingMetrics.Observe(PackAsync(reads.RecommendAsync(query)), startedAt, query.Users.Count, ServingMetrics.Recommend);
    }

    private static async Task<RecommendationAnswers> PackAsync(Task<RecommendationLists> lists)
    {
        var answered = await lists;
        return RecommendationAnswers.Pack(answered.Items, answered.Failures);
    }
}
