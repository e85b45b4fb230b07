using OnlineRec.Core.Model;

namespace OnlineRec.Client.Ingestion;

/// <summary>In-memory (generated) ratings as batches, and the id prefixing that keeps generated data apart from real data.</summary>
public static class GeneratedBatches
{
    /// <summary>Consecutive slices of <paramref name="events"/>, keyed "<paramref name="keyPrefix"/>:index".</summary>
#pragma warning disable CS1998 // an async iterator over memory: nothing to await, but consumers want IAsyncEnumerable
    public static async IAsyncEnumerable<OutgoingBatch> From(IReadOnlyList<RatingEvent> events, int batchSize, string keyPrefix, long firstIndex = 0)
#pragma warning restore CS1998
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var index = firstIndex;
        for (var start = 0; start < events.Count; start += batchSize)
        {
            var slice = new RatingEvent[Math.Min(batchSize, events.Count - start)];
            for (var i = 0; i < slice.Length; i++) slice[i] = events[start + i];
            yield return new OutgoingBatch(index, slice, IdempotencyKeys.ForBatch(keyPrefix, index));
            index++;
        }
    }

    /// <summary>The same events with "<paramref name="prefix"/>" before every user and item id ("1" → "demo-1").</summary>
    public static RatingEvent[] WithIdPrefix(IReadOnlyList<RatingEvent> events, string prefix)
    {
        var result = new RatingEvent[events.Count];
        if (prefix.Length == 0)
        {
            for (var i = 0; i < result.Length; i++) result[i] = events[i];
            return result;
        }
        // Ids repeat a lot: build each prefixed string once.
        var cache = new Dictionary<string, string>(StringComparer.Ordinal);
        string Prefixed(string id) => cache.TryGetValue(id, out var p) ? p : cache[id] = prefix + id;
        for (var i = 0; i < result.Length; i++)
        {
            var e = events[i];
            result[i] = e with { User = Prefixed(e.User), Item = Prefixed(e.Item) };
        }
        return result;
    }
}
