using OnlineRec.Abstractions;

namespace OnlineRec.Sdk;

/// <summary>
/// The typed client for .NET apps. Every call is one grain call through the cluster's gateway; ratings take the same
/// validated, logged-before-acknowledged path as the REST API.
/// </summary>
public sealed class OnlineRecClient(IClusterClient cluster)
{
    /// <summary>Logs and learns a batch. Throws <see cref="RatingsRejectedException"/> when any entry is invalid (nothing is stored then).</summary>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<RatingInput> ratings, string? idempotencyKey = null)
    {
        var result = await cluster.GetGrain<IRatingIngestGrain>(0).Ingest(ratings as RatingInput[] ?? ratings.ToArray(), idempotencyKey);
        return result.IsAccepted ? result : throw new RatingsRejectedException(result.Rejections);
    }

    public Task<Prediction> PredictAsync(string user, string item) =>
        cluster.GetGrain<IUserGrain>(user).Predict(item);

    /// <summary>Scores for one user and many items, in the order given.</summary>
    public Task<float[]> PredictManyAsync(string user, string[] items) =>
        cluster.GetGrain<IUserGrain>(user).PredictMany(items);

    /// <summary>Top-<paramref name="count"/> items the user has not rated, best first.</summary>
    public Task<ScoredItem[]> RecommendAsync(string user, int count = 10) =>
        cluster.GetGrain<IUserGrain>(user).Recommend(count);

    public Task<ScoredItem[]> SimilarItemsAsync(string item, int count = 10) =>
        cluster.GetGrain<IServingGrain>(0).Similar(item, count);

    /// <summary>Starts a global retrain; false when one is already running.</summary>
    public Task<bool> RequestRetrainAsync() =>
        cluster.GetGrain<IAlsReconcilerGrain>(0).RequestRetrain("client");

    public Task<ModelStatus> GetModelStatusAsync() =>
        cluster.GetGrain<IAlsReconcilerGrain>(0).GetStatus();
}

/// <summary>A batch was refused; <see cref="Rejections"/> names each bad entry by index.</summary>
public sealed class RatingsRejectedException(IReadOnlyList<RatingRejection> rejections)
    : Exception($"The rating batch was rejected: {string.Join("; ", rejections.Take(5).Select(r => r.Index >= 0 ? $"[{r.Index}] {r.Reason}" : r.Reason))}")
{
    public IReadOnlyList<RatingRejection> Rejections { get; } = rejections;
}
