namespace OnlineRec.Lab.Data;

/// <summary>
/// Turns id spans into shared strings: a file with 100k ratings over 2.6k ids allocates 2.6k strings, not 200k,
/// which keeps parsing fast and large event lists small. Stops pooling past a cap so a file of unique ids
/// cannot grow the pool without bound.
/// </summary>
internal sealed class IdStringPool
{
    private const int MaxPooled = 1 << 22;
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public IdStringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<char> id)
    {
        if (_lookup.TryGetValue(id, out var existing)) return existing;
        var created = id.ToString();
        if (_strings.Count < MaxPooled) _strings.Add(created);
        return created;
    }
}
