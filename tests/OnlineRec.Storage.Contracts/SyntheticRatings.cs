using OnlineRec.Core.Model;

namespace OnlineRec.Storage.Contracts;

/// <summary>Small seeded rating batches for storage tests: ids u0.., i0.., values 1–5, increasing timestamps.</summary>
public static class SyntheticRatings
{
    public static RatingEvent[] Batch(int count, int seed = 1, int users = 50, int items = 40)
    {
        var random = new Random(seed);
        var batch = new RatingEvent[count];
        for (var i = 0; i < count; i++)
            batch[i] = new RatingEvent($"u{random.Next(users)}", $"i{random.Next(items)}", random.Next(1, 6), 1_700_000_000 + i);
        return batch;
    }

    /// <summary>The ratings of <paramref name="batches"/> appended in order to an empty log, with their sequences.</summary>
    public static List<RatingLog.LoggedRating> AsLogged(params RatingEvent[][] batches) =>
        batches.SelectMany(b => b).Select((r, i) => new RatingLog.LoggedRating(i + 1, r.User, r.Item, r.Value, r.Timestamp)).ToList();

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var x in source) list.Add(x);
        return list;
    }
}
