using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Options;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// Top-N lists cached on the <see cref="UserRow"/> they were computed from. A row is immutable and every rating batch,
/// catch-up or adoption publishes a new one, so a user's change drops the list with the old row, and one replica
/// lookup finds both (no second dictionary, no capacity to manage: lists live exactly as long as their rows). A list
/// also needs the model version installed then and — once any item row has changed since
/// (<see cref="ItemFactorIndex.Generation"/>) — an age of at most <see cref="ServingOptions.RecommendationMaxAge"/>.
/// While no item changed, a list is still exactly what a new scan would return, so it does not age.
/// </summary>
public sealed class RecommendationCache(IOptions<ServingOptions> options, TimeProvider time)
{
    private readonly TimeSpan _maxAge = options.Value.RecommendationMaxAge;

    public bool Enabled => _maxAge > TimeSpan.Zero;

    /// <summary>The first <paramref name="count"/> items of a valid list cached on <paramref name="row"/>, or null.</summary>
    public ScoredItem[]? TryGet(UserRow row, int modelVersion, long itemGeneration, int count)
    {
        if (!Enabled || Volatile.Read(ref row.CachedRecommendations) is not { } cached) return null;
        if (cached.ModelVersion != modelVersion) return null;
        if (cached.ItemGeneration != itemGeneration && time.GetElapsedTime(cached.ComputedAt) > _maxAge) return null;
        // A list shorter than asked for holds every candidate there was, so any shorter prefix is exact too.
        if (count > cached.Count) return null;
        if (count >= cached.Items.Length) return cached.Items;
        return cached.Items[..count];
    }

    /// <summary>
    /// Remembers a list computed from <paramref name="row"/> and from item rows at least as new as
    /// <paramref name="itemGeneration"/> (read before the scan). Concurrent stores race harmlessly: each is valid.
    /// </summary>
    public void Store(UserRow row, int modelVersion, long itemGeneration, int count, ScoredItem[] items)
    {
        if (!Enabled) return;
        Volatile.Write(ref row.CachedRecommendations, new CachedRecommendations(modelVersion, itemGeneration, time.GetTimestamp(), count, items));
    }
}

/// <summary>A top-N list as cached on a <see cref="UserRow"/>: <see cref="Count"/> is how many were asked for.</summary>
public sealed record CachedRecommendations(int ModelVersion, long ItemGeneration, long ComputedAt, int Count, ScoredItem[] Items);
