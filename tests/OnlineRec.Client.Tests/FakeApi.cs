using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace OnlineRec.Client.Tests;

/// <summary>
/// A scripted stand-in for the silo's REST API at the HTTP handler level: records every request and answers through
/// <see cref="Respond"/> (by default: POST /ratings → 202 with consecutive sequences).
/// </summary>
public sealed class FakeApi : HttpMessageHandler
{
    private long _sequence;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers a request; the attempt number counts requests with the same idempotency key (1 = first).</summary>
    public Func<RecordedRequest, int, HttpResponseMessage>? Respond { get; set; }

    public IReadOnlyList<RecordedRequest> RatingPosts => Requests.Where(r => r.Path == "/ratings").ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var key = request.Headers.TryGetValues("Idempotency-Key", out var values) ? values.Single() : null;
        var recorded = new RecordedRequest(request.Method.Method, request.RequestUri!.AbsolutePath, key, body, request.RequestUri.Authority);
        var attempt = key is null ? 1 : Requests.Count(r => r.IdempotencyKey == key) + 1;
        Requests.Enqueue(recorded);
        return Respond?.Invoke(recorded, attempt) ?? Accept(recorded);
    }

    /// <summary>The default answer to POST /ratings: 202 with fresh sequences.</summary>
    public HttpResponseMessage Accept(RecordedRequest request)
    {
        var count = request.RatingCount;
        var last = Interlocked.Add(ref _sequence, count);
        return Json(HttpStatusCode.Accepted, $$"""{"accepted":{{count}},"firstSequence":{{last - count + 1}},"lastSequence":{{last}},"duplicate":false}""");
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    /// <summary>GET /model of a silo holding <paramref name="ratings"/> ratings, version 1, idle.</summary>
    public static HttpResponseMessage Model(long ratings = 0) =>
        Json(HttpStatusCode.OK, $$"""{"version":1,"ratings":{{ratings}},"users":{{ratings / 10}},"items":{{ratings / 20}},"status":"idle","globalMean":3.5,"lastRetrain":null,"learned":{{ratings}}}""");

    public static HttpResponseMessage Problem(string title, string detail) =>
        Json(HttpStatusCode.BadRequest, JsonSerializer.Serialize(new { type = "https://tools.ietf.org/html/rfc9110#section-15.5.1", title, status = 400, detail }),
            "application/problem+json");
}

/// <param name="Authority">Host and port the request was sent to.</param>
public sealed record RecordedRequest(string Method, string Path, string? IdempotencyKey, string Body, string Authority)
{
    public int RatingCount => Path == "/ratings" ? JsonDocument.Parse(Body).RootElement.GetProperty("ratings").GetArrayLength() : 0;

    public IReadOnlyList<string> Users => Path == "/ratings"
        ? JsonDocument.Parse(Body).RootElement.GetProperty("ratings").EnumerateArray().Select(r => r.GetProperty("user").GetString()!).ToList()
        : [];
}
