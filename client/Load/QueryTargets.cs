using System.Runtime.CompilerServices;
using OnlineRec.Client.Http;
using OnlineRec.Sdk;

namespace OnlineRec.Client.Load;

/// <summary>The two read requests the load generator sends, over one of the two client paths.</summary>
public interface IQueryTarget
{
    string Name { get; }
    ValueTask PredictAsync(string user, string item, CancellationToken cancellationToken);
    ValueTask RecommendAsync(string user, int k, CancellationToken cancellationToken);
}

public sealed class HttpQueryTarget(OnlineRecHttpClient http) : IQueryTarget
{
    public string Name => "http";

    public ValueTask PredictAsync(string user, string item, CancellationToken cancellationToken) => new(http.PredictAsync(user, item, cancellationToken));

    public ValueTask RecommendAsync(string user, int k, CancellationToken cancellationToken) => new(http.RecommendAsync(user, k, cancellationToken));
}

/// <summary>
/// The Orleans path. Requests are sent without the run's token: every one of ~10⁶ requests/s registering on the one
/// Ctrl+C token serialises them on its lock, while a stop is noticed between requests anyway and a request in flight
/// ends within the client's response timeout.
/// </summary>
public sealed class ClusterQueryTarget(OnlineRecClient client) : IQueryTarget
{
    public string Name => "client";

    // Pooled builders: the adapters add no allocation per request on top of the client's own.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PredictAsync(string user, string item, CancellationToken cancellationToken) => await client.PredictAsync(user, item);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RecommendAsync(string user, int k, CancellationToken cancellationToken) => await client.RecommendAsync(user, k);
}
