using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.RatingLog;

/// <summary>
/// Decides, under the log lock, where each batch of a group lands: batches whose idempotency key is already stored
/// (or claimed by an earlier batch of the same group) get the original sequences back and store nothing; the rest get
/// consecutive ranges after <c>lastSequence</c>, in queue order. Pure logic, no I/O.
/// </summary>
internal sealed class AppendPlan
{
    private AppendPlan(AppendResult[] results, long lastSequence, long newRatings)
    {
        Results = results;
        LastSequence = lastSequence;
        NewRatings = newRatings;
    }

    /// <summary>Per request, in group order.</summary>
    public AppendResult[] Results { get; }

    /// <summary>The log's last sequence once this group is committed.</summary>
    public long LastSequence { get; }

    /// <summary>Ratings this group actually stores.</summary>
    public long NewRatings { get; }

    /// <exception cref="IdempotencyKeyConflictException">A key came back with a batch of a different size.</exception>
    public static AppendPlan Create(IReadOnlyList<AppendRequest> group, long lastSequence,
        IReadOnlyDictionary<string, (long First, long Last)> storedKeys)
    {
        var results = new AppendResult[group.Count];
        var claimed = new Dictionary<string, AppendResult>(StringComparer.Ordinal);
        var next = lastSequence + 1;
        long stored = 0;
        for (var i = 0; i < group.Count; i++)
        {
            var request = group[i];
            var key = request.IdempotencyKey;
            var count = request.Ratings.Count;
            if (key is not null && storedKeys.TryGetValue(key, out var range))
            {
                results[i] = Duplicate(key, new AppendResult(range.First, range.Last, false), count);
                continue;
            }
            if (key is not null && claimed.TryGetValue(key, out var earlier))
            {
                results[i] = Duplicate(key, earlier, count);
                continue;
            }
            var result = new AppendResult(next, next + count - 1, WasDuplicate: false);
            results[i] = result;
            if (key is not null) claimed.Add(key, result);
            next += count;
            stored += count;
        }
        return new AppendPlan(results, next - 1, stored);
    }

    private static AppendResult Duplicate(string key, AppendResult original, int count)
    {
        if (original.Count != count) throw new IdempotencyKeyConflictException(key, original.Count, count);
        return original with { WasDuplicate = true };
    }
}
