using OnlineRec.Abstractions;
using OnlineRec.Api.Contracts;
using OnlineRec.Client.Http;
using OnlineRec.Sdk;

namespace OnlineRec.LoadGen;

/// <summary>
/// The two read requests the load generator sends, over one of the two client paths. Each path answers in its own
/// types, passed straight through: an adapter turning every answer into a common type would be one more state machine
/// per request, billed to the platform's latency.
/// </summary>
public interface IQueryTarget<TPrediction, TList>
{
    string Name { get; }
    ValueTask<TPrediction> PredictAsync(string user, string item, CancellationToken cancellationToken);
    ValueTask<TList> RecommendAsync(string user, int k, CancellationToken cancellationToken);
}

public sealed class HttpQueryTarget(OnlineRecHttpClient http) : IQueryTarget<PredictionResponse, ScoredItemDto[]>
{
    public string Name => "http";

    public ValueTask<PredictionResponse> PredictAsync(string user, string item, CancellationToken cancellationToken) =>
        new(http.PredictAsync(user, item, cancellationToken));

    public ValueTask<ScoredItemDto[]> RecommendAsync(string user, int k, CancellationToken cancellationToken) =>
        new(http.RecommendAsync(user, k, cancellationToken));
}

/// <summary>
/// The Orleans path: the client's own pooled answers, awaited by the load runner directly. Requests are sent without
/// the run's token: every one of ~10⁶ requests/s registering on the one Ctrl+C token serialises them on its lock, while
/// a stop is noticed between requests anyway and a request in flight ends within the client's response timeout.
/// </summary>
public sealed class ClusterQueryTarget(OnlineRecClient client) : IQueryTarget<Prediction, ScoredItem[]>
{
    public string Name => "client";

    public ValueTask<Prediction> PredictAsync(string user, string item, CancellationToken cancellationToken) => client.PredictAsync(user, item);

    public ValueTask<ScoredItem[]> RecommendAsync(string user, int k, CancellationToken cancellationToken) => client.RecommendAsync(user, k);
}
