namespace OnlineRec.Core.Model;

/// <summary>
/// Stable mapping between external string ids and dense indices 0..Count-1.
/// Indices are assigned in first-seen order and never change, so a live model can be
/// warm-started from factors that were trained against an earlier snapshot of the same map.
/// Not thread-safe for writers; readers may share a map that is no longer written.
/// </summary>
public sealed class IdMap
{
    private readonly Dictionary<string, int> _indexById;
    private readonly List<string> _ids;

    public IdMap(int capacity = 0)
    {
        _indexById = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        _ids = new List<string>(capacity);
    }

    public IdMap(IEnumerable<string> idsInIndexOrder) : this()
    {
        foreach (var id in idsInIndexOrder)
        {
            if (_indexById.ContainsKey(id)) throw new ArgumentException($"Duplicate id '{id}'.");
            GetOrAdd(id);
        }
    }

    public int Count => _ids.Count;

    /// <summary>The ids in index order.</summary>
    public IReadOnlyList<string> Ids => _ids;

    public string this[int index] => _ids[index];

    public int GetOrAdd(string id)
    {
        if (_indexById.TryGetValue(id, out var index)) return index;
        index = _ids.Count;
        _indexById.Add(id, index);
        _ids.Add(id);
        return index;
    }

    public bool TryGetIndex(string id, out int index) => _indexById.TryGetValue(id, out index);

    /// <summary>The index of <paramref name="id"/>, or -1 when it is unknown.</summary>
    public int IndexOf(string id) => _indexById.TryGetValue(id, out var index) ? index : -1;

    public IdMap Clone() => new(_ids);
}
