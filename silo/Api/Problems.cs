using Microsoft.AspNetCore.Http.HttpResults;
using OnlineRec.Abstractions;

namespace OnlineRec.Silo.Api;

/// <summary>Error answers as RFC 9457 problem details (application/problem+json), each naming what was wrong.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail, IEnumerable<RatingRejection>? errors = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (errors is not null)
            extensions["errors"] = errors.Select(e => new Dictionary<string, object?> { ["index"] = e.Index, ["reason"] = e.Reason }).ToArray();
        return TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest, extensions: extensions);
    }

    public static ProblemHttpResult InvalidRatings(IReadOnlyList<RatingRejection> rejections)
    {
        var first = rejections[0];
        var where = first.Index >= 0 ? $"ratings[{first.Index}]: " : "";
        var more = rejections.Count > 1 ? $" (and {rejections.Count - 1} more)" : "";
        return BadRequest("Invalid rating batch", $"{where}{first.Reason}{more}. Nothing from this batch was stored.", rejections);
    }

    public const string TooLargeTitle = "Request body too large";

    public static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(title: TooLargeTitle, detail: TooLargeDetail(limit), statusCode: StatusCodes.Status413PayloadTooLarge);

    public static string TooLargeDetail(long limit) =>
        $"The body exceeds {limit} bytes (Api:MaxRequestBodyBytes); split it into smaller requests. Nothing was stored.";

    public const string UnsupportedMediaTypeDetail = "Send the body as JSON with Content-Type: application/json.";

    public static ProblemHttpResult UnsupportedMediaType() =>
        TypedResults.Problem(title: "Unsupported media type", detail: UnsupportedMediaTypeDetail, statusCode: StatusCodes.Status415UnsupportedMediaType);
}
