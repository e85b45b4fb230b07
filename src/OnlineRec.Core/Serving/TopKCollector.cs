namespace OnlineRec.Core.Serving;

/// <summary>
/// Keeps the k best (item, score) pairs seen so far in a bounded min-heap that lives in the caller's buffer,
/// so a scan over n items costs O(n log k) and allocates nothing. "Better" = higher score, then lower item index,
/// which makes results deterministic under ties.
/// </summary>
internal ref struct TopKCollector
{
    private readonly Span<ScoredItem> _heap;
    private int _count;

    public TopKCollector(Span<ScoredItem> buffer)
    {
        _heap = buffer;
        _count = 0;
    }

    /// <summary>Scores at or below this cannot enter (−∞ until the heap is full).</summary>
    public readonly float Threshold => _count == _heap.Length && _count > 0 ? _heap[0].Score : float.NegativeInfinity;

    public void Offer(int item, float score)
    {
        if (_heap.Length == 0 || float.IsNaN(score)) return;
        var candidate = new ScoredItem(item, score);
        if (_count < _heap.Length)
        {
            _heap[_count] = candidate;
            SiftUp(_count++);
        }
        else if (IsBetter(candidate, _heap[0]))
        {
            _heap[0] = candidate;
            SiftDown(0);
        }
    }

    /// <summary>Sorts the kept pairs best-first in place and returns how many there are.</summary>
    public readonly int Finish()
    {
        _heap[.._count].Sort(static (a, b) => IsBetter(a, b) ? -1 : IsBetter(b, a) ? 1 : 0);
        return _count;
    }

    private static bool IsBetter(ScoredItem a, ScoredItem b) => a.Score > b.Score || (a.Score == b.Score && a.Item < b.Item);

    private readonly void SiftUp(int at)
    {
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            if (!IsBetter(_heap[parent], _heap[at])) break;
            (_heap[parent], _heap[at]) = (_heap[at], _heap[parent]);
            at = parent;
        }
    }

    private readonly void SiftDown(int at)
    {
        while (true)
        {
            var worst = at;
            var left = 2 * at + 1;
            var right = left + 1;
            if (left < _count && IsBetter(_heap[worst], _heap[left])) worst = left;
            if (right < _count && IsBetter(_heap[worst], _heap[right])) worst = right;
            if (worst == at) return;
            (_heap[worst], _heap[at]) = (_heap[at], _heap[worst]);
            at = worst;
        }
    }
}
