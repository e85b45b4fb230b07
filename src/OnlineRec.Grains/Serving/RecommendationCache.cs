using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Options;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// Per-user top-N lists, each valid only for the exact <see cref="UserRow"/> it was computed under (a new rating or a
/// model adoption publishes a new row), for the model version installed then, and — once any item row has changed
/// since (<see cref="ItemFactorIndex.Generation"/>) — for at most <see cref="ServingOptions.RecommendationMaxAge"/>.
/// While no item changed, a list is still exactly what a new scan would return, so it does not age.
/// </summary>
public sealed class RecommendationCache(IOptions<ServingOptions> options, TimeProvider time)
{
    private readonly TimeSpan _maxAge = options.Value.RecommendationMaxAge;
    private readonly int _capacity = Math.Max(1, options.Value.RecommendationCacheCapacity);
    private ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _count;

    public bool Enabled => _maxAge > TimeSpan.Zero;

    /// <summary>The first <paramref name="count"/> items of a valid cached list, or null.</summary>
    public ScoredItem[]? TryGet(string user, UserRow row, int modelVersion, long itemGeneration, int count)
    {
        if (!Enabled || !_entries.TryGetValue(user, out var entry)) return null;
        if (!ReferenceEquals(entry.Row, row) || entry.ModelVersion != modelVersion) return null;
        if (entry.ItemGeneration != itemGeneration && time.GetElapsedTime(entry.ComputedAt) > _maxAge) return null;
        // A list shorter than asked for holds every candidate there was, so any shorter prefix is exact too.
        if (count > entry.Count) return null;
        if (count >= entry.Items.Length) return entry.Items;
        return entry.Items[..count];
    }

    /// <summary>
    /// Remembers a list computed from a state at least as new as <paramref name="row"/> and from item rows at least as
    /// new as <paramref name="itemGeneration"/> (read before the scan).
    /// </summary>
    public void Store(string user, UserRow row, int modelVersion, long itemGeneration, int count, ScoredItem[] items)
    {
        if (!Enabled) return;
        var entries = _entries;
        var entry = new Entry(row, modelVersion, itemGeneration, time.GetTimestamp(), count, items);
        if (entries.TryGetValue(user, out var old))
        {
            entries[user] = entry;
            return;
        }
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            // Start over rather than track recency per read: a full cache of short-lived lists is mostly stale anyway.
            Interlocked.Exchange(ref _entries, new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal));
            Interlocked.Exchange(ref _count, 1);
            entries = _entries;
        }
        entries[user] = entry;
    }

    private sealed record Entry(UserRow Row, int ModelVersion, long ItemGeneration, long ComputedAt, int Count, ScoredItem[] Items);
}
