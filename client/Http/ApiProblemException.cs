using System.Net;

namespace OnlineRec.Client.Http;

/// <summary>
/// The server refused a request (4xx): retrying the same request cannot help. <see cref="Message"/> carries the
/// problem+json detail, e.g. "ratings[3]: rating 7 is outside 1–5. Nothing from this batch was stored."
/// </summary>
public sealed class ApiProblemException(HttpStatusCode status, string? title, string? detail)
    : Exception(Describe(status, title, detail))
{
    public HttpStatusCode Status { get; } = status;
    public string? Title { get; } = title;
    public string? Detail { get; } = detail;

    private static string Describe(HttpStatusCode status, string? title, string? detail)
    {
        var head = $"{(int)status} {title ?? status.ToString()}";
        return string.IsNullOrWhiteSpace(detail) ? head : $"{head}: {detail}";
    }
}
