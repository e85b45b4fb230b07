using OnlineRec.Client.Http;
using OnlineRec.Sdk;

namespace OnlineRec.Client.Load;

/// <summary>The two read requests the load generator sends, over one of the two client paths.</summary>
public interface IQueryTarget
{
    string Name { get; }
    Task PredictAsync(string user, string item, CancellationToken cancellationToken);
    Task RecommendAsync(string user, int k, CancellationToken cancellationToken);
}

public sealed class HttpQueryTarget(OnlineRecHttpClient http) : IQueryTarget
{
    public string Name => "http";

    public Task PredictAsync(string user, string item, CancellationToken cancellationToken) => http.PredictAsync(user, item, cancellationToken);

    public Task RecommendAsync(string user, int k, CancellationToken cancellationToken) => http.RecommendAsync(user, k, cancellationToken);
}

public sealed class ClusterQueryTarget(OnlineRecClient client) : IQueryTarget
{
    public string Name => "client";

    public Task PredictAsync(string user, string item, CancellationToken cancellationToken) => client.PredictAsync(user, item, cancellationToken);

    public Task RecommendAsync(string user, int k, CancellationToken cancellationToken) => client.RecommendAsync(user, k, cancellationToken);
}
