using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnlineRec.Api.Contracts;

// The REST contract. Records, camelCase on the wire; nullable members so missing fields are detected, not defaulted.

public sealed record RatingDto(string? User, string? Item, double? Value, long? Timestamp);

public sealed record RatingsRequest(IReadOnlyList<RatingDto?>? Ratings);

public sealed record RatingsAccepted(int Accepted, long LastSequence, long FirstSequence, bool Duplicate);

public sealed record PredictionResponse(string User, string Item, float Score, int ModelVersion);

public sealed record PredictionPair(string? User, string? Item);

public sealed record PredictionsRequest(IReadOnlyList<PredictionPair?>? Pairs);

public sealed record PredictionsResponse(float[] Scores);

public sealed record ScoredItemDto(string Item, float Score);

public sealed record ItemsResponse(ScoredItemDto[] Items);

public sealed record RetrainAccepted(bool Started, string Status);

public sealed record RetrainReportDto(
    int Version, long SnapshotSequence, long Ratings, int Users, int Items, string Algorithm,
    double TrainSeconds, double? TrainRmse, string Trigger, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Error);

/// <param name="Learned">Ratings the answering silo's user grains have taken up (SGD steps applied) since it started:
/// wait for it to reach what was ingested instead of sleeping. Counted per silo.</param>
public sealed record ModelResponse(int Version, long Ratings, long Users, long Items, string Status, float GlobalMean, RetrainReportDto? LastRetrain,
    long Learned = 0)
{
    public bool IsTraining => string.Equals(Status, "training", StringComparison.OrdinalIgnoreCase);
}

public sealed record HealthResponse(string Status, int ModelVersion);

/// <summary>RFC 9457 problem details as the API sends them with a 400.</summary>
public sealed record ProblemDetailsDto(string? Type, string? Title, int? Status, string? Detail);

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
