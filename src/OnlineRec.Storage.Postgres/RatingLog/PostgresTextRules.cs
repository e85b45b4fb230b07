using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.RatingLog;

/// <summary>
/// What PostgreSQL text cannot hold but a .NET string can: NUL characters and unpaired surrogates (not encodable as
/// UTF-8). Checked before a batch is queued, so such a batch is refused whole like any other invalid batch instead
/// of failing inside a shared transaction.
/// </summary>
internal static class PostgresTextRules
{
    public static void Validate(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey)
    {
        if (idempotencyKey is not null && Problem(idempotencyKey) is { } keyProblem)
            throw new InvalidRatingBatchException(-1, $"the idempotency key {keyProblem}");
        for (var i = 0; i < ratings.Count; i++)
        {
            var problem = Problem(ratings[i].User) is { } u ? $"user id {u}" : Problem(ratings[i].Item) is { } it ? $"item id {it}" : null;
            if (problem is not null) throw new InvalidRatingBatchException(i, problem);
        }
    }

    private static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return "contains a NUL character";
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return "contains an unpaired UTF-16 surrogate";
        }
        return null;
    }
}
