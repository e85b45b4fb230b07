using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Api.Contracts;
using OnlineRec.Grains.Learning;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;
using OnlineRec.Silo.Options;

namespace OnlineRec.Silo.Api;

/// <summary>
/// The REST API: one route group per resource, typed results and bound bodies so the OpenAPI document
/// (/openapi/v1.json) describes every request and answer. Handlers are thin: validate, then one serving call (or the
/// ingestion path). Malformed bodies and unbindable parameters are answered by <see cref="BadRequestExceptionHandler"/>.
/// </summary>
internal static class OnlineRecApi
{
    public static IEndpointRouteBuilder MapOnlineRecApi(this IEndpointRouteBuilder app)
    {
        app.MapRatingsApi();

        var users = app.MapGroup("/users").WithTags("Users").ProducesProblem(StatusCodes.Status400BadRequest);
        users.MapGet("/{user}/predictions/{item}", GetPrediction).WithName("GetPrediction")
            .WithSummary("Predict one rating")
            .WithDescription("The user's predicted rating of the item, clamped to the rating scale. Unknown users or items get μ plus "
                + "whatever biases are known: never an error, never NaN.");
        users.MapGet("/{user}/recommendations", GetRecommendations).WithName("GetRecommendations")
            .WithSummary("Top-k items for a user")
            .WithDescription("The k items with the highest predicted rating that the user has not rated.");

        var predictions = app.MapGroup("/predictions").WithTags("Predictions")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        predictions.MapPost("", PostPredictions).WithName("PostPredictions")
            .WithSummary("Predict many ratings")
            .WithDescription("One predicted rating per (user, item) pair, in request order. Any bad pair refuses the whole request (400).");

        var items = app.MapGroup("/items").WithTags("Items").ProducesProblem(StatusCodes.Status400BadRequest);
        items.MapGet("/{item}/similar", GetSimilar).WithName("GetSimilarItems")
            .WithSummary("Items similar to an item")
            .WithDescription("The k nearest items by cosine similarity of their latent vectors.");

        app.MapModelApi();
        return app;
    }

    // Single reads go through the silo's serving replicas too (no grain hop when the user is active here).
    private static async Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> GetPrediction(
        [Description(ApiText.UserId)] string user, [Description(ApiText.ItemId)] string item, ServingReads reads, IOptions<ModelOptions> model)
    {
        if ((IdProblem(user, "user", model.Value) ?? IdProblem(item, "item", model.Value)) is { } problem) return problem;
        var prediction = await reads.PredictAsync(user, item);
        return TypedResults.Ok(new PredictionResponse(user, item, prediction.Score, prediction.ModelVersion));
    }

    private static async Task<Results<Ok<PredictionsResponse>, ProblemHttpResult>> PostPredictions(
        [FromBody] PredictionsRequest body, ServingReads reads, IOptions<ModelOptions> model, IOptions<ApiOptions> api)
    {
        if (body.Pairs is null) return Problems.BadRequest("Invalid predictions request", "The body must be {\"pairs\":[{\"user\":…,\"item\":…}]}.");
        if (body.Pairs.Count > api.Value.MaxPredictionPairs)
            return Problems.BadRequest("Too many pairs", $"At most {api.Value.MaxPredictionPairs} pairs per request.");

        for (var i = 0; i < body.Pairs.Count; i++)
        {
            var pair = body.Pairs[i];
            var reason = pair is null ? "the entry is null"
                : IdReason(pair.User, "user", model.Value) ?? IdReason(pair.Item, "item", model.Value);
            if (reason is not null) return Problems.BadRequest("Invalid predictions request", $"pairs[{i}]: {reason}.");
        }
        var answers = await reads.PredictAsync(body.Pairs.Select(p => p!.User!).ToArray(), body.Pairs.Select(p => p!.Item!).ToArray());
        if (answers.Failures.Length > 0) throw new InvalidOperationException(answers.Failures[0].Message);
        var scores = new float[answers.Count];
        for (var i = 0; i < scores.Length; i++) scores[i] = answers.ScoreAt(i);
        return TypedResults.Ok(new PredictionsResponse(scores));
    }

    private static async Task<Results<Ok<ItemsResponse>, ProblemHttpResult>> GetRecommendations(
        [Description(ApiText.UserId)] string user, [Description("How many items: 1 to Api:MaxResults (1000 by default); 10 when absent.")] int? k,
        ServingReads reads, IOptions<ModelOptions> model, IOptions<ApiOptions> api)
    {
        if (IdProblem(user, "user", model.Value) is { } problem) return problem;
        if (CountProblem(k, api.Value, out var count) is { } badK) return badK;
        var items = await reads.RecommendAsync(user, count);
        return TypedResults.Ok(new ItemsResponse(items.Select(i => new ScoredItemDto(i.Item, i.Score)).ToArray()));
    }

    private static async Task<Results<Ok<ItemsResponse>, ProblemHttpResult>> GetSimilar(
        [Description(ApiText.ItemId)] string item, [Description("How many items: 1 to Api:MaxResults (1000 by default); 10 when absent.")] int? k,
        IGrainFactory grains, IOptions<ModelOptions> model, IOptions<ApiOptions> api)
    {
        if (IdProblem(item, "item", model.Value) is { } problem) return problem;
        if (CountProblem(k, api.Value, out var count) is { } badK) return badK;
        var items = await grains.GetGrain<IServingGrain>(0).Similar(item, count);
        return TypedResults.Ok(new ItemsResponse(items.Select(i => new ScoredItemDto(i.Item, i.Score)).ToArray()));
    }

    private static ProblemHttpResult? CountProblem(int? k, ApiOptions api, out int count)
    {
        count = k ?? 10;
        return count < 1 || count > api.MaxResults ? Problems.BadRequest("Invalid k", $"k must be between 1 and {api.MaxResults}.") : null;
    }

    private static ProblemHttpResult? IdProblem(string? id, string what, ModelOptions options) =>
        IdReason(id, what, options) is { } reason ? Problems.BadRequest($"Invalid {what} id", reason + ".") : null;

    // The log's own id rule, so a path id the API accepts is one the log would store.
    private static string? IdReason(string? id, string what, ModelOptions options) =>
        OnlineRec.Storage.RatingLog.RatingRules.IdProblem(id, what);
}
