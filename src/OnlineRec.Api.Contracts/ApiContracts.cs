using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnlineRec.Api.Contracts;

// The REST contract. Records, camelCase on the wire; nullable members so missing fields are detected, not defaulted.
// The [Description]s are what the OpenAPI document (/openapi/v1.json) tells client authors.

[Description("One rating event.")]
public sealed record RatingDto(
    [property: Description(ApiText.UserId)] string? User,
    [property: Description(ApiText.ItemId)] string? Item,
    [property: Description("The rating: a JSON number on the silo's rating scale (Model:RatingScale, by default 1 to 5 in steps of 1).")]
    double? Value,
    [property: Description("When the rating was given, in Unix time: whole seconds since 1970-01-01T00:00:00Z. Optional: missing or 0 means "
        + "the time the silo received it; negative values are refused.")]
    long? Timestamp = null);

[Description("A batch of ratings, stored all or nothing.")]
public sealed record RatingsRequest([property: Description("The ratings, at most Learning:MaxBatchSize of them.")] IReadOnlyList<RatingDto?>? Ratings);

[Description("A batch durably logged; it is learned from asynchronously (GET /model's learned counts it).")]
public sealed record RatingsAccepted(
    [property: Description("Ratings in the batch.")] int Accepted,
    [property: Description("Log sequence number of the batch's last rating.")] long LastSequence,
    [property: Description("Log sequence number of the batch's first rating.")] long FirstSequence,
    [property: Description("True when the Idempotency-Key was seen before: nothing new was stored and the sequences are those of the first time.")]
    bool Duplicate);

public sealed record PredictionResponse(
    string User,
    string Item,
    [property: Description("Predicted rating, clamped to the rating scale.")] float Score,
    [property: Description("Model version (retrain) the user's row was adopted from; 0 before the first retrain.")] int ModelVersion);

public sealed record PredictionPair([property: Description(ApiText.UserId)] string? User, [property: Description(ApiText.ItemId)] string? Item);

public sealed record PredictionsRequest([property: Description("The pairs to score, at most Api:MaxPredictionPairs of them.")] IReadOnlyList<PredictionPair?>? Pairs);

public sealed record PredictionsResponse([property: Description("One predicted rating per requested pair, in request order.")] float[] Scores);

public sealed record ScoredItemDto(string Item, float Score);

public sealed record ItemsResponse([property: Description("Items, best first.")] ScoredItemDto[] Items);

public sealed record RetrainAccepted(
    [property: Description("True when this request started a retrain; false when one was already running.")] bool Started,
    [property: Description("\"training\" or \"already-training\"; poll GET /model until its status is \"idle\".")] string Status);

public sealed record RetrainReportDto(
    int Version, long SnapshotSequence, long Ratings, int Users, int Items, string Algorithm,
    double TrainSeconds, double? TrainRmse, string Trigger, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Error);

/// <param name="Learned">Ratings the answering silo's user grains have taken up (SGD steps applied) since it started:
/// wait for it to reach what was ingested instead of sleeping. Counted per silo.</param>
public sealed record ModelResponse(int Version, long Ratings, long Users, long Items,
    [property: Description("\"idle\" or \"training\".")] string Status,
    float GlobalMean, RetrainReportDto? LastRetrain,
    [property: Description("Ratings the answering silo's user grains have applied (SGD steps) since it started; counted per silo.")]
    long Learned = 0)
{
    public bool IsTraining => string.Equals(Status, "training", StringComparison.OrdinalIgnoreCase);
}

public sealed record HealthResponse(string Status, int ModelVersion);

/// <summary>RFC 9457 problem details as the API sends them with a 400 or 413.</summary>
public sealed record ProblemDetailsDto(string? Type, string? Title, int? Status, string? Detail);

/// <summary>Descriptions shared by several members of the contract.</summary>
public static class ApiText
{
    public const string UserId = "User id: a JSON string of 1 to 256 characters, not blank, without control characters. "
        + "Numeric ids are strings too (\"196\", not 196).";

    public const string ItemId = "Item id: a JSON string of 1 to 256 characters, not blank, without control characters. "
        + "Numeric ids are strings too (\"242\", not 242).";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RatingsRequest))]
[JsonSerializable(typeof(RatingsAccepted))]
[JsonSerializable(typeof(PredictionResponse))]
[JsonSerializable(typeof(PredictionsRequest))]
[JsonSerializable(typeof(PredictionsResponse))]
[JsonSerializable(typeof(ItemsResponse))]
[JsonSerializable(typeof(RetrainAccepted))]
[JsonSerializable(typeof(ModelResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ProblemDetailsDto))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
