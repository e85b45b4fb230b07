using OnlineRec.Abstractions;

namespace OnlineRec.Sdk;

/// <summary>
/// The typed client for .NET apps. Ratings take the same validated, logged-before-acknowledged path as the REST API.
/// Concurrent <see cref="PredictAsync"/> and <see cref="RecommendAsync"/> calls are coalesced into batched calls to
/// the silo's serving grain (see <see cref="CoalescingOptions"/>); each caller still gets its own answer or error.
/// Freshness is unchanged by batching: every answer reflects at least the user's last completed rating batch on the
/// silo that learns it, and top-N lists may additionally trail other items' online updates by the silo's
/// <c>Serving:RecommendationMaxAge</c>.
/// <para>
/// Rating batches and batched reads are resent after failures that may pass (<see cref="ClientResilienceOptions"/>):
/// a closed gateway connection ends the calls it carried at once (<see cref="GatewayConnectionWatch"/>, registered by
/// <see cref="ClientHostingExtensions"/>) rather than after Orleans' 30 s response timeout, and a rating batch keeps
/// its idempotency key across attempts, so it is stored once.
/// </para>
/// </summary>
public sealed class OnlineRecClient
{
    private readonly IClusterClient _cluster;
    private readonly IServingGrain _serving; // resolved once: GetGrain reflects over the interface's attributes
    private readonly RequestCoalescer<(string User, string Item), Prediction>? _predictions;
    private readonly RequestCoalescer<(string User, int Count), ScoredItem[]>? _recommendations;
    private readonly ResendingCaller _resending;
    private readonly ClientResilienceOptions _resilience;

    public OnlineRecClient(IClusterClient cluster) : this(cluster, new CoalescingOptions())
    {
    }

    /// <param name="resilience">Defaults to <see cref="ClientResilienceOptions"/>' defaults.</param>
    public OnlineRecClient(IClusterClient cluster, CoalescingOptions coalescing, ClientResilienceOptions? resilience = null)
    {
        _cluster = cluster;
        _serving = cluster.GetGrain<IServingGrain>(0);
        _resilience = resilience ?? new ClientResilienceOptions();
        _resilience.Validate();
        // Present when the client was built by ClientHostingExtensions (or the app registered one itself).
        var gateways = cluster.ServiceProvider.GetService(typeof(GatewayConnectionWatch)) as GatewayConnectionWatch;
        _resending = new ResendingCaller(gateways, _resilience);
        if (!coalescing.Enabled) return;
        _predictions = new(pairs => PredictBatchAsync(pairs, CancellationToken.None), coalescing, ReadOperations.Predict);
        _recommendations = new(requests => RecommendBatchAsync(requests, CancellationToken.None), coalescing, ReadOperations.Recommend);
    }

    /// <summary>
    /// Logs and learns a batch. Throws <see cref="RatingsRejectedException"/> when any entry is invalid (nothing is
    /// stored then). A batch without a key is given one, so that resending it after a lost connection or an
    /// unavailable silo never stores it twice; if every attempt fails, the last failure is thrown
    /// (<see cref="GatewayConnectionLostException"/> for a closed connection) and the batch may or may not be stored:
    /// send it again with the same key.
    /// </summary>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<RatingInput> ratings, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        var batch = ratings as RatingInput[] ?? ratings.ToArray();
        var key = idempotencyKey ?? "sdk-" + Guid.NewGuid().ToString("N");
        var ingest = _cluster.GetGrain<IRatingIngestGrain>(0);
        var result = await _resending.CallAsync(token => ingest.Ingest(batch, key, token), _resilience.IngestAttempts,
            ClientMetrics.IngestOperation, cancellationToken);
        return result.IsAccepted ? result : throw new RatingsRejectedException(result.Rejections);
    }

    /// <summary>
    /// The user's predicted rating of the item. Cancelling abandons the wait (the batch it joined still runs);
    /// failures specific to this user come back as <see cref="ServingQueryException"/>. Await the answer once (or call
    /// <c>AsTask()</c>): it is pooled, so the client allocates no task per request.
    /// </summary>
    public ValueTask<Prediction> PredictAsync(string user, string item, CancellationToken cancellationToken = default) =>
        _predictions?.Enqueue((user, item), cancellationToken) ?? PredictAloneAsync(user, item, cancellationToken);

    /// <summary>Scores for one user and many items, in the order given (one batched call).</summary>
    public async Task<float[]> PredictManyAsync(string user, string[] items, CancellationToken cancellationToken = default)
    {
        var answers = await PredictBatchAsync(items.Select(item => (user, item)).ToArray(), cancellationToken);
        var scores = new float[items.Length];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = answers.TryGet(i, out var prediction) is { } error ? throw error : prediction.Score;
        return scores;
    }

    /// <summary>Top-<paramref name="count"/> items the user has not rated, best first (await once, as for <see cref="PredictAsync"/>).</summary>
    public ValueTask<ScoredItem[]> RecommendAsync(string user, int count = 10, CancellationToken cancellationToken = default) =>
        _recommendations?.Enqueue((user, count), cancellationToken) ?? RecommendAloneAsync(user, count, cancellationToken);

    // Without coalescing every request is a batch of its own, served by the same silo code as the coalesced ones.
    private async ValueTask<Prediction> PredictAloneAsync(string user, string item, CancellationToken cancellationToken)
    {
        var answers = await PredictBatchAsync([(user, item)], cancellationToken);
        return answers.TryGet(0, out var prediction) is { } error ? throw error : prediction;
    }

    private async ValueTask<ScoredItem[]> RecommendAloneAsync(string user, int count, CancellationToken cancellationToken)
    {
        var answers = await RecommendBatchAsync([(user, count)], cancellationToken);
        return answers.TryGet(0, out var items) is { } error ? throw error : items;
    }

    private async Task<IBatchAnswers<Prediction>> PredictBatchAsync((string User, string Item)[] pairs, CancellationToken cancellationToken)
    {
        var query = new PredictionQuery(IdList.Of(pairs, static p => p.User), IdList.Of(pairs, static p => p.Item));
        var answers = await _resending.CallAsync(token => _serving.PredictBatch(query, token), _resilience.ReadAttempts, ReadOperations.Predict,
            cancellationToken);
        return new PredictionBatch(pairs, answers);
    }

    /// <summary>
    /// A batch's predictions read straight from the wire answers (no per-request copy). The coalescer checks that
    /// <see cref="Count"/> matches the batch before reading any entry.
    /// </summary>
    private sealed class PredictionBatch((string User, string Item)[] pairs, PredictionAnswers answers) : IBatchAnswers<Prediction>
    {
        private readonly Dictionary<int, string>? _failures =
            answers.Failures.Length == 0 ? null : answers.Failures.ToDictionary(f => f.Index, f => f.Message);

        public int Count => answers.Count;

        public Exception? TryGet(int index, out Prediction value)
        {
            if (_failures is not null && _failures.TryGetValue(index, out var message))
            {
                value = default;
                return new ServingQueryException(message);
            }
            value = new Prediction(pairs[index].User, pairs[index].Item, answers.ScoreAt(index), answers.ModelVersionAt(index));
            return null;
        }
    }

    private async Task<IBatchAnswers<ScoredItem[]>> RecommendBatchAsync((string User, int Count)[] requests, CancellationToken cancellationToken)
    {
        var counts = new int[requests.Length];
        for (var i = 0; i < requests.Length; i++) counts[i] = requests[i].Count;
        var query = new RecommendationQuery(IdList.Of(requests, static r => r.User), counts);
        var answers = await _resending.CallAsync(token => _serving.RecommendBatch(query, token), _resilience.ReadAttempts, ReadOperations.Recommend,
            cancellationToken);
        return new RecommendationBatch(answers);
    }

    /// <summary>A batch's top-N lists, each unpacked when its caller is resumed.</summary>
    private sealed class RecommendationBatch(RecommendationAnswers answers) : IBatchAnswers<ScoredItem[]>
    {
        private readonly Dictionary<int, string>? _failures =
            answers.Failures.Length == 0 ? null : answers.Failures.ToDictionary(f => f.Index, f => f.Message);

        public int Count => answers.Count;

        public Exception? TryGet(int index, out ScoredItem[] value)
        {
            value = [];
            if (_failures is not null && _failures.TryGetValue(index, out var message)) return new ServingQueryException(message);
            try
            {
                value = answers.ListAt(index);
                return null;
            }
            catch (InvalidDataException ex)
            {
                return ex; // a malformed list fails its own caller
            }
        }
    }

    public Task<ScoredItem[]> SimilarItemsAsync(string item, int count = 10) =>
        _serving.Similar(item, count);

    /// <summary>Starts a global retrain; false when one is already running.</summary>
    public Task<bool> RequestRetrainAsync() =>
        _cluster.GetGrain<IAlsReconcilerGrain>(0).RequestRetrain("client");

    public Task<ModelStatus> GetModelStatusAsync() =>
        _cluster.GetGrain<IAlsReconcilerGrain>(0).GetStatus();
}

/// <summary>One coalesced read failed on the silo for this request only (its batch neighbours were answered).</summary>
public sealed class ServingQueryException(string message) : Exception(message);

/// <summary>A batch was refused; <see cref="Rejections"/> names each bad entry by index.</summary>
public sealed class RatingsRejectedException(IReadOnlyList<RatingRejection> rejections)
    : Exception($"The rating batch was rejected: {string.Join("; ", rejections.Take(5).Select(r => r.Index >= 0 ? $"[{r.Index}] {r.Reason}" : r.Reason))}")
{
    public IReadOnlyList<RatingRejection> Rejections { get; } = rejections;
}
