using System.Collections.Concurrent;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// Reuses grain references by key: <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string?)"/> builds a
/// new proxy each time, which the profile showed on the per-rating path. Bounded: when full it starts over, which
/// costs only the rebuilding of references.
/// </summary>
public sealed class GrainReferenceCache<TGrain>(IGrainFactory grains, int capacity = 100_000)
    where TGrain : IGrainWithStringKey
{
    private ConcurrentDictionary<string, TGrain> _references = new(StringComparer.Ordinal);

    public TGrain Get(string key)
    {
        var references = _references;
        if (references.TryGetValue(key, out var grain)) return grain;
        grain = grains.GetGrain<TGrain>(key);
        if (references.Count >= capacity)
        {
            references = new ConcurrentDictionary<string, TGrain>(StringComparer.Ordinal);
            _references = references;
        }
        references.TryAdd(key, grain);
        return grain;
    }
}
