using OnlineRec.Api.Contracts;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OnlineRec.Client.Http;

/// <summary>
/// Typed client for the silo's REST API, shared by every CLI command. A 4xx answer throws
/// <see cref="ApiProblemException"/> (with the problem+json detail); a 5xx, 408 or 429 throws
/// <see cref="HttpRequestException"/> with its status code, which <see cref="RetryPolicy"/> treats as transient.
/// </summary>
public sealed class OnlineRecHttpClient : IDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:5000";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;

    /// <param name="baseAddress">The silo's API, e.g. http://127.0.0.1:5000.</param>
    /// <param name="timeout">Per request; a request that takes longer fails with a (retryable) timeout.</param>
    /// <param name="handler">Transport; null uses a pooled socket handler without a connection cap, so load runs can open many connections.</param>
    public OnlineRecHttpClient(Uri baseAddress, TimeSpan? timeout = null, HttpMessageHandler? handler = null)
    {
        handler ??= new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false, // loopback: never route through an environment proxy
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public Task<RatingsAccepted> PostRatingsAsync(IReadOnlyList<RatingDto> ratings, string? idempotencyKey, CancellationToken cancellationToken = default) =>
        PostRatingsAsync(EncodeRatings(ratings), idempotencyKey, cancellationToken);

    /// <summary>Sends a body made by <see cref="EncodeRatings"/> (callers that send the same batch again encode it once).</summary>
    public Task<RatingsAccepted> PostRatingsAsync(byte[] encodedRatings, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(encodedRatings);
        content.Headers.ContentType = JsonMediaType;
        var request = new HttpRequestMessage(HttpMethod.Post, "ratings") { Content = content };
        if (idempotencyKey is not null) request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        return SendAsync(request, ApiJsonContext.Default.RatingsAccepted, cancellationToken);
    }

    /// <summary>
    /// The POST /ratings body as UTF-8 JSON, encoded in one synchronous pass: JsonContent's streaming serialisation of a
    /// 5,000-rating batch (resumable converters, buffer copies) was the load generator's largest CPU cost
    /// (docs/decisions/0015).
    /// </summary>
    public static byte[] EncodeRatings(IReadOnlyList<RatingDto> ratings) =>
        JsonSerializer.SerializeToUtf8Bytes(new RatingsRequest(ratings), ApiJsonContext.Default.RatingsRequest);

    public Task<PredictionResponse> PredictAsync(string user, string item, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, $"users/{Escape(user)}/predictions/{Escape(item)}"),
            ApiJsonContext.Default.PredictionResponse, cancellationToken);

    /// <summary>Scores for many (user, item) pairs, in the order given.</summary>
    public async Task<float[]> PredictManyAsync(IReadOnlyList<PredictionPair> pairs, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "predictions")
        {
            Content = JsonContent.Create(new PredictionsRequest(pairs), ApiJsonContext.Default.PredictionsRequest),
        };
        var response = await SendAsync(request, ApiJsonContext.Default.PredictionsResponse, cancellationToken);
        if (response.Scores.Length != pairs.Count)
            throw new InvalidDataException($"Asked for {pairs.Count} predictions, received {response.Scores.Length}.");
        return response.Scores;
    }

    public async Task<ScoredItemDto[]> RecommendAsync(string user, int k = 10, CancellationToken cancellationToken = default) =>
        (await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"users/{Escape(user)}/recommendations?k={k}"),
            ApiJsonContext.Default.ItemsResponse, cancellationToken)).Items;

    public async Task<ScoredItemDto[]> SimilarAsync(string item, int k = 10, CancellationToken cancellationToken = default) =>
        (await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"items/{Escape(item)}/similar?k={k}"),
            ApiJsonContext.Default.ItemsResponse, cancellationToken)).Items;

    public Task<RetrainAccepted> RetrainAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, "model/retrain"), ApiJsonContext.Default.RetrainAccepted, cancellationToken);

    public Task<ModelResponse> GetModelAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "model"), ApiJsonContext.Default.ModelResponse, cancellationToken);

    public Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "health"), ApiJsonContext.Default.HealthResponse, cancellationToken);

    public void Dispose() => _http.Dispose();

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            if (!response.IsSuccessStatusCode) await ThrowForStatusAsync(response, cancellationToken);
            try
            {
                return await response.Content.ReadFromJsonAsync(answer, cancellationToken)
                    ?? throw new InvalidDataException($"{request.Method} {request.RequestUri} returned an empty body.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{request.Method} {request.RequestUri} returned a body that is not the expected JSON: {ex.Message}", ex);
            }
        }
    }

    private static async Task ThrowForStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var code = (int)status;
        if (code >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            throw new HttpRequestException($"The server answered {code} {response.ReasonPhrase}.", null, status);

        ProblemDetailsDto? problem = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Length > 0 && body.TrimStart().StartsWith('{'))
                problem = JsonSerializer.Deserialize(body, ApiJsonContext.Default.ProblemDetailsDto);
        }
        catch (JsonException)
        {
            // Not problem+json: the status line alone has to do.
        }
        throw new ApiProblemException(status, problem?.Title ?? response.ReasonPhrase, problem?.Detail);
    }
}
