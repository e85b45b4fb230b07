using OnlineRec.Silo.Options;

namespace OnlineRec.Silo.Api;

internal static class RequestBodyLimit
{
    /// <summary>
    /// Answers 413 problem+json on every endpoint when the declared Content-Length exceeds
    /// <see cref="ApiOptions.MaxRequestBodyBytes"/>, before anything reads the body (endpoints that take no body
    /// would otherwise answer as if it were not there). A chunked body is stopped by Kestrel's limit of the same size
    /// as it is read; that 413 gets the same problem details from the host's problem-details customisation.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long limit) =>
        app.Use((context, next) => context.Request.ContentLength > limit
            ? Problems.TooLarge(limit).ExecuteAsync(context)
            : next(context));
}
