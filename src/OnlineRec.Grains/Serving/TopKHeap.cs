namespace OnlineRec.Grains.Serving;

/// <summary>Keeps the best K (row, score) pairs seen so far in a bounded min-heap: O(n log K) for a scan of n rows.</summary>
internal sealed class TopKHeap(int capacity)
{
    private readonly int[] _rows = new int[capacity];
    private readonly float[] _scores = new float[capacity];
    private int _count;

    public void Offer(int row, float score)
    {
        if (capacity == 0 || float.IsNaN(score)) return;
        if (_count < capacity)
        {
            _rows[_count] = row;
            _scores[_count] = score;
            SiftUp(_count++);
        }
        else if (score > _scores[0])
        {
            _rows[0] = row;
            _scores[0] = score;
            SiftDown(0);
        }
    }

    /// <summary>The kept pairs, best first, with rows turned into ids.</summary>
    public (string Item, float Score)[] Drain(string[] ids)
    {
        var result = new (string, float)[_count];
        for (var i = _count - 1; i >= 0; i--)
        {
            result[i] = (ids[_rows[0]], _scores[0]);
            _count--;
            _rows[0] = _rows[_count];
            _scores[0] = _scores[_count];
            SiftDown(0);
        }
        return result;
    }

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (_scores[parent] <= _scores[i]) break;
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = 2 * i + 1;
            if (left >= _count) break;
            var smallest = left + 1 < _count && _scores[left + 1] < _scores[left] ? left + 1 : left;
            if (_scores[i] <= _scores[smallest]) break;
            Swap(i, smallest);
            i = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
    }
}
