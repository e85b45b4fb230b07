using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using OnlineRec.Silo.Options;

namespace OnlineRec.Silo.Api;

/// <summary>
/// Turns the framework's refusals of a request (a body that is not JSON or not the endpoint's document, an unbindable
/// parameter, a wrong content type, a body over the size limit) into problem+json naming the problem, instead of an
/// empty 400. Minimal APIs throw these because <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on.
/// </summary>
internal sealed class BadRequestExceptionHandler(IOptions<ApiOptions> api) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var problem = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => Problems.TooLarge(api.Value.MaxRequestBodyBytes),
            StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType(),
            _ when bad.InnerException is JsonException json =>
                Problems.BadRequest("Malformed JSON", $"The body is not a valid document for this endpoint: {json.Message}"),
            _ => Problems.BadRequest("Bad request", bad.Message),
        };
        await problem.ExecuteAsync(context);
        return true;
    }
}
