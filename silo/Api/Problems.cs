using OnlineRec.Abstractions;

namespace OnlineRec.Silo.Api;

/// <summary>400 responses as RFC 9457 problem details (application/problem+json), naming what was wrong.</summary>
internal static class Problems
{
    public static IResult BadRequest(string title, string detail, IEnumerable<RatingRejection>? errors = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (errors is not null)
            extensions["errors"] = errors.Select(e => new Dictionary<string, object?> { ["index"] = e.Index, ["reason"] = e.Reason }).ToArray();
        return Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest, extensions: extensions);
    }

    public static IResult InvalidRatings(IReadOnlyList<RatingRejection> rejections)
    {
        var first = rejections[0];
        var where = first.Index >= 0 ? $"ratings[{first.Index}]: " : "";
        var more = rejections.Count > 1 ? $" (and {rejections.Count - 1} more)" : "";
        return BadRequest("Invalid rating batch", $"{where}{first.Reason}{more}. Nothing from this batch was stored.", rejections);
    }
}
