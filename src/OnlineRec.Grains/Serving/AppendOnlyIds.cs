namespace OnlineRec.Grains.Serving;

/// <summary>
/// Ids in an append-only array whose prefixes are handed out as views (<see cref="Snapshot"/>): a view never changes,
/// because later ids go past its end and growing or resetting moves on to a new array. A user grain keeps its rated
/// item ids here so that publishing its row after a batch costs O(the batch), not a copy of every item it ever rated.
/// One writer (the grain); any number of readers of published views.
/// </summary>
public sealed class AppendOnlyIds
{
    private string[] _ids;
    private int _count;

    public AppendOnlyIds(IEnumerable<string>? ids = null)
    {
        _ids = ids is null ? [] : [.. ids];
        _count = _ids.Length;
    }

    public int Count => _count;

    public void Add(string id)
    {
        if (_count == _ids.Length)
        {
            var grown = new string[Math.Max(4, _count * 2)];
            Array.Copy(_ids, grown, _count);
            _ids = grown;
        }
        _ids[_count++] = id;
    }

    /// <summary>The ids added so far; unaffected by anything added later.</summary>
    public ArraySegment<string> Snapshot() => new(_ids, 0, _count);
}
