using OnlineRec.Api.Contracts;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Ingestion;
using OnlineRec.Grains.Learning;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Grains.Serving;

namespace OnlineRec.Silo.Api;

/// <summary>The REST API. Handlers are thin: parse and validate, then one grain call (or the ingestion path).</summary>
internal static class OnlineRecApi
{
    public static void MapOnlineRecApi(this WebApplication app)
    {
        app.MapPost("/ratings", PostRatings).WithName("PostRatings")
            .WithSummary("Ingest a batch of ratings: durably logged, then learned online.");
        app.MapGet("/users/{user}/predictions/{item}", GetPrediction).WithName("GetPrediction");
        app.MapPost("/predictions", PostPredictions).WithName("PostPredictions");
        app.MapGet("/users/{user}/recommendations", GetRecommendations).WithName("GetRecommendations");
        app.MapGet("/items/{item}/similar", GetSimilar).WithName("GetSimilarItems");
        app.MapPost("/model/retrain", PostRetrain).WithName("PostRetrain");
        app.MapGet("/model", GetModel).WithName("GetModel");
        app.MapGet("/health", GetHealth).WithName("GetHealth");
    }

    private static async Task<IResult> PostRatings(HttpRequest request, RatingIngestor ingestor, IOptions<ApiOptions> apiOptions)
    {
        var limit = apiOptions.Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
            return Problems.BadRequest("Request body too large", $"The body has {request.ContentLength} bytes; at most {limit} are accepted.");
        RatingsRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, ApiJsonContext.Default.RatingsRequest, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("Malformed JSON", $"The body is not a valid ratings document: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.BadRequest("Request body too large", $"The body exceeds {limit} bytes.");
        }
        if (body?.Ratings is null)
            return Problems.BadRequest("Invalid rating batch", "The body must be {\"ratings\":[{\"user\":…,\"item\":…,\"value\":…}]}.");

        var inputs = new RatingInput[body.Ratings.Count];
        var missing = new List<RatingRejection>();
        for (var i = 0; i < inputs.Length; i++)
        {
            var dto = body.Ratings[i];
            if (dto is null) missing.Add(new RatingRejection(i, "the entry is null"));
            else if (dto.Value is null) missing.Add(new RatingRejection(i, "value is missing"));
            else inputs[i] = new RatingInput(dto.User!, dto.Item!, dto.Value.Value, dto.Timestamp ?? 0);
        }
        if (missing.Count > 0) return Problems.InvalidRatings(missing);

        var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
        var result = await ingestor.IngestAsync(inputs, idempotencyKey, request.HttpContext.RequestAborted);
        if (!result.IsAccepted) return Problems.InvalidRatings(result.Rejections);
        return Results.Json(new RatingsAccepted(result.Accepted, result.LastSequence, result.FirstSequence, result.Duplicate),
            ApiJsonContext.Default.RatingsAccepted, statusCode: StatusCodes.Status202Accepted);
    }

    // Single reads go through the silo's serving replicas too (no grain hop when the user is active here).
    private static async Task<IResult> GetPrediction(string user, string item, ServingReads reads, IOptions<ModelOptions> model)
    {
        if ((IdProblem(user, "user", model.Value) ?? IdProblem(item, "item", model.Value)) is { } problem) return problem;
        var prediction = await reads.PredictAsync(user, item);
        return Results.Json(new PredictionResponse(user, item, prediction.Score, prediction.ModelVersion), ApiJsonContext.Default.PredictionResponse);
    }

    private static async Task<IResult> PostPredictions(HttpRequest request, ServingReads reads, IOptions<ModelOptions> model, IOptions<ApiOptions> api)
    {
        PredictionsRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(request.Body, ApiJsonContext.Default.PredictionsRequest, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("Malformed JSON", $"The body is not a valid predictions document: {ex.Message}");
        }
        if (body?.Pairs is null) return Problems.BadRequest("Invalid predictions request", "The body must be {\"pairs\":[{\"user\":…,\"item\":…}]}.");
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
        return Results.Json(new PredictionsResponse(scores), ApiJsonContext.Default.PredictionsResponse);
    }

    private static async Task<IResult> GetRecommendations(string user, int? k, ServingReads reads, IOptions<ModelOptions> model, IOptions<ApiOptions> api)
    {
        if (IdProblem(user, "user", model.Value) is { } problem) return problem;
        var count = k ?? 10;
        if (count < 1 || count > api.Value.MaxResults) return Problems.BadRequest("Invalid k", $"k must be between 1 and {api.Value.MaxResults}.");
        var items = await reads.RecommendAsync(user, count);
        return Results.Json(new ItemsResponse(items.Select(i => new ScoredItemDto(i.Item, i.Score)).ToArray()), ApiJsonContext.Default.ItemsResponse);
    }

    private static async Task<IResult> GetSimilar(string item, int? k, IGrainFactory grains, IOptions<ModelOptions> model, IOptions<ApiOptions> api)
    {
        if (IdProblem(item, "item", model.Value) is { } problem) return problem;
        var count = k ?? 10;
        if (count < 1 || count > api.Value.MaxResults) return Problems.BadRequest("Invalid k", $"k must be between 1 and {api.Value.MaxResults}.");
        var items = await grains.GetGrain<IServingGrain>(0).Similar(item, count);
        return Results.Json(new ItemsResponse(items.Select(i => new ScoredItemDto(i.Item, i.Score)).ToArray()), ApiJsonContext.Default.ItemsResponse);
    }

    private static async Task<IResult> PostRetrain(IGrainFactory grains)
    {
        var started = await grains.GetGrain<IAlsReconcilerGrain>(0).RequestRetrain("api");
        return Results.Json(new RetrainAccepted(started, started ? "training" : "already-training"), ApiJsonContext.Default.RetrainAccepted,
            statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetModel(IGrainFactory grains, LearningProgress progress)
    {
        var s = await grains.GetGrain<IAlsReconcilerGrain>(0).GetStatus();
        var last = s.LastRetrain is { } r
            ? new RetrainReportDto(r.Version, r.SnapshotSequence, r.Ratings, r.Users, r.Items, r.Algorithm, r.TrainSeconds,
                double.IsFinite(r.TrainRmse) ? r.TrainRmse : null, r.Trigger, r.StartedAt, r.FinishedAt, r.Error)
            : null;
        var status = s.Status == ReconcilerStatus.Training ? "training" : "idle";
        return Results.Json(new ModelResponse(s.Version, s.Ratings, s.Users, s.Items, status, s.GlobalMean, last, progress.Learned), ApiJsonContext.Default.ModelResponse);
    }

    private static IResult GetHealth(ModelCatalog catalog) =>
        Results.Json(new HealthResponse("ok", catalog.Current.Version), ApiJsonContext.Default.HealthResponse);

    private static IResult? IdProblem(string? id, string what, ModelOptions options) =>
        IdReason(id, what, options) is { } reason ? Problems.BadRequest($"Invalid {what} id", reason + ".") : null;

    private static string? IdReason(string? id, string what, ModelOptions options)
    {
        if (string.IsNullOrWhiteSpace(id)) return $"{what} id is missing or blank";
        if (id.Length > options.MaxIdLength) return $"{what} id is longer than {options.MaxIdLength} characters";
        return null;
    }
}
