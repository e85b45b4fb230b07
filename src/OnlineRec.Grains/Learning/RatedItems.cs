using OnlineRec.Grains.Serving;

namespace OnlineRec.Grains.Learning;

/// <summary>An item a user rated: the value and the log sequence of the latest rating (later ratings supersede).</summary>
public readonly record struct RatedItem(float Value, long Sequence);

/// <summary>
/// Every item a user rated, with its latest rating: what its recommendations exclude, and how a rating is recognised
/// by sequence (a rating no newer than the item's latest is a redelivery or superseded). The ids also go into an
/// append-only array whose prefixes the published rows share (<see cref="AppendOnlyIds"/>): between adoptions a
/// user's rated items only grow, so publishing after a batch costs O(the batch), not a copy of everything it rated.
/// </summary>
public sealed class RatedItems
{
    private readonly Dictionary<string, RatedItem> _latest = new(StringComparer.Ordinal);
    private AppendOnlyIds _ids = new();

    public int Count => _latest.Count;

    public IReadOnlyCollection<string> Items => _latest.Keys;

    /// <summary>True when the item's latest rating is at least this new: this one was taken or a later one supersedes it.</summary>
    public bool Covers(string item, long sequence) => _latest.TryGetValue(item, out var latest) && latest.Sequence >= sequence;

    /// <summary>Remembers a rating as the item's latest unless a newer one is already remembered.</summary>
    public void Remember(string item, float value, long sequence)
    {
        if (_latest.TryGetValue(item, out var latest))
        {
            if (latest.Sequence >= sequence) return;
        }
        else
        {
            _ids.Add(item);
        }
        _latest[item] = new RatedItem(value, sequence);
    }

    /// <summary>Forgets everything; rows published before keep their view of the old ids.</summary>
    public void Clear()
    {
        _latest.Clear();
        _ids = new AppendOnlyIds();
    }

    /// <summary>The rated ids so far, as a view that later ratings never change.</summary>
    public ArraySegment<string> Snapshot() => _ids.Snapshot();

    /// <summary>The latest ratings' sequences above <paramref name="sequence"/>.</summary>
    public IEnumerable<long> SequencesAfter(long sequence)
    {
        foreach (var rated in _latest.Values)
            if (rated.Sequence > sequence) yield return rated.Sequence;
    }
}
