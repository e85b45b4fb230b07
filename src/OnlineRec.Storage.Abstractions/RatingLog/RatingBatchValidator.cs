using OnlineRec.Core.Model;

namespace OnlineRec.Storage.RatingLog;

/// <summary>
/// Checks a batch before anything is written, so a bad batch is rejected whole and no NaN or malformed id can ever
/// reach the log (and from there a latent vector). Scale checks belong to ingestion, which knows the rating scale.
/// </summary>
public static class RatingBatchValidator
{
    public const int MaxIdLength = 256;
    public const int MaxIdempotencyKeyLength = 256;

    public static void Validate(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (ratings.Count == 0) throw new InvalidRatingBatchException(-1, "the batch is empty");
        if (ratings.Count > maxBatchSize)
            throw new InvalidRatingBatchException(-1, $"the batch holds {ratings.Count} ratings; at most {maxBatchSize} are allowed");
        if (idempotencyKey is not null && (idempotencyKey.Length == 0 || idempotencyKey.Length > MaxIdempotencyKeyLength))
            throw new InvalidRatingBatchException(-1, $"the idempotency key must be 1..{MaxIdempotencyKeyLength} characters");

        for (var i = 0; i < ratings.Count; i++)
        {
            var rating = ratings[i];
            var reason = CheckId(rating.User, "user") ?? CheckId(rating.Item, "item");
            if (reason is null && !float.IsFinite(rating.Value)) reason = $"rating value {rating.Value} is not a finite number";
            if (reason is not null) throw new InvalidRatingBatchException(i, reason);
        }
    }

    private static string? CheckId(string? id, string what)
    {
        if (string.IsNullOrWhiteSpace(id)) return $"{what} id is empty";
        if (id.Length > MaxIdLength) return $"{what} id is longer than {MaxIdLength} characters";
        return null;
    }
}
