using System.Buffers;

namespace OnlineRec.Core.Serving;

/// <summary>
/// Membership test for a scan that visits items in increasing index order: the excluded indices are sorted once
/// (in a pooled copy, unless the caller already passed them sorted) and walked with a cursor, O(n + m) per scan.
/// </summary>
internal ref struct ExcludedItems
{
    private readonly ReadOnlySpan<int> _sorted;
    private readonly int[]? _rented;
    private int _cursor;

    public ExcludedItems(ReadOnlySpan<int> items)
    {
        if (IsSorted(items))
        {
            _sorted = items;
            return;
        }
        _rented = ArrayPool<int>.Shared.Rent(items.Length);
        var copy = _rented.AsSpan(0, items.Length);
        items.CopyTo(copy);
        copy.Sort();
        _sorted = copy;
    }

    /// <summary>Whether <paramref name="item"/> is excluded; calls must come with non-decreasing items.</summary>
    public bool Contains(int item)
    {
        while (_cursor < _sorted.Length && _sorted[_cursor] < item) _cursor++;
        return _cursor < _sorted.Length && _sorted[_cursor] == item;
    }

    public readonly void Dispose()
    {
        if (_rented is not null) ArrayPool<int>.Shared.Return(_rented);
    }

    private static bool IsSorted(ReadOnlySpan<int> items)
    {
        for (var i = 1; i < items.Length; i++)
            if (items[i] < items[i - 1]) return false;
        return true;
    }
}
