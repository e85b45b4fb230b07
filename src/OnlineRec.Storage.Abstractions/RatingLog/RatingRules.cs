using OnlineRec.Core.Model;

namespace OnlineRec.Storage.RatingLog;

/// <summary>
/// The one rule set for what the rating log stores: user and item ids, idempotency keys and values. Every log adapter
/// refuses a batch that breaks it before anything is written, and the ingestor and the REST API check the same rules
/// first, so a client hears a 400 naming the problem rather than a storage error, and no layer accepts what another
/// refuses. The rating scale is not here: it is configuration the ingestor knows and the log does not.
/// </summary>
/// <remarks>
/// Ids and keys are at most 256 UTF-16 code units: long enough for any natural key, short enough that an id list or a
/// stream batch of thousands stays small. Control characters are refused because they corrupt logs, CSV exports and
/// HTTP headers; unpaired surrogates because the stores keep UTF-8, which cannot encode them (PostgreSQL text would
/// refuse the batch mid-transaction, SQLite would silently store U+FFFD and so a different id).
/// </remarks>
public static class RatingRules
{
    public const int MaxIdLength = 256;
    public const int MaxIdempotencyKeyLength = 256;

    /// <summary>Why <paramref name="id"/> is not a valid user or item id, or null when it is.</summary>
    /// <param name="what">"user" or "item": the reason starts with it ("user id is …").</param>
    public static string? IdProblem(string? id, string what)
    {
        if (string.IsNullOrWhiteSpace(id)) return $"{what} id is missing or blank";
        if (id.Length > MaxIdLength) return $"{what} id is {id.Length} characters long; at most {MaxIdLength} are allowed";
        return TextProblem(id) is { } problem ? $"{what} id {problem}" : null;
    }

    /// <summary>Why <paramref name="key"/> is not a valid idempotency key, or null when it is (or there is none).</summary>
    public static string? IdempotencyKeyProblem(string? key)
    {
        if (key is null) return null;
        if (key.Length == 0) return "the idempotency key is empty";
        if (key.Length > MaxIdempotencyKeyLength)
            return $"the idempotency key is {key.Length} characters long; at most {MaxIdempotencyKeyLength} are allowed";
        return TextProblem(key) is { } problem ? $"the idempotency key {problem}" : null;
    }

    /// <summary>Why <paramref name="value"/> cannot be stored as a rating, or null when it can: the model keeps floats.</summary>
    public static string? ValueProblem(double value) =>
        float.IsFinite((float)value) ? null : $"rating value {value} is not a finite 32-bit number";

    /// <summary>
    /// The log's check of a whole batch: the first problem throws, so nothing of an invalid batch is stored.
    /// </summary>
    /// <exception cref="InvalidRatingBatchException">The batch is empty, too large, or breaks a rule above.</exception>
    public static void ThrowIfInvalid(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (ratings.Count == 0) throw new InvalidRatingBatchException(-1, "the batch is empty");
        if (ratings.Count > maxBatchSize)
            throw new InvalidRatingBatchException(-1, $"the batch holds {ratings.Count} ratings; at most {maxBatchSize} are allowed");
        if (IdempotencyKeyProblem(idempotencyKey) is { } keyProblem) throw new InvalidRatingBatchException(-1, keyProblem);

        for (var i = 0; i < ratings.Count; i++)
        {
            var rating = ratings[i];
            var reason = IdProblem(rating.User, "user") ?? IdProblem(rating.Item, "item") ?? ValueProblem(rating.Value);
            if (reason is not null) throw new InvalidRatingBatchException(i, reason);
        }
    }

    private static string? TextProblem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c)) return $"contains a control character (U+{(int)c:X4}) at position {i}";
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return $"contains an unpaired UTF-16 surrogate at position {i}";
        }
        return null;
    }
}
