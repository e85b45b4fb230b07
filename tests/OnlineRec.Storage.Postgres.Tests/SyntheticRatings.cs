using OnlineRec.Core.Model;

namespace OnlineRec.Storage.Postgres.Tests;

internal static class SyntheticRatings
{
    public static RatingEvent[] Batch(int count, int seed = 1, int users = 50, int items = 40)
    {
        var random = new Random(seed);
        var batch = new RatingEvent[count];
        for (var i = 0; i < count; i++)
            batch[i] = new RatingEvent($"u{random.Next(users)}", $"i{random.Next(items)}", random.Next(1, 6), 1_700_000_000 + i);
        return batch;
    }

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var x in source) list.Add(x);
        return list;
    }
}
