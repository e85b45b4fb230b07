using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Sqlite.RatingLog;

/// <summary>
/// In-memory mirror of the committed ratings the user/item indexes do not cover yet (sequence &gt; <see cref="Floor"/>).
/// Appends skip the secondary indexes (a random-key index insert dirties one page per row per index, which made WAL
/// traffic, not SQL, the append bottleneck); a background pass indexes the tail in large sorted chunks instead.
/// Per-user and per-item reads combine the index (seq ≤ Floor) with this mirror (seq &gt; Floor).
/// Written only by the writer thread after commits; read by any thread.
/// </summary>
internal sealed class UnindexedTail
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<LoggedRating>> _byUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LoggedRating>> _byItem = new(StringComparer.Ordinal);
    private long _floor;
    private long _last;
    private long _oldestAddedAtMs;

    public UnindexedTail(long floor)
    {
        _floor = floor;
        _last = floor;
    }

    /// <summary>Every rating with sequence ≤ Floor is in the SQL indexes.</summary>
    public long Floor { get { lock (_gate) return _floor; } }

    /// <summary>Ratings waiting to be indexed.</summary>
    public long Count { get { lock (_gate) return _last - _floor; } }

    /// <summary>When the oldest waiting rating was committed (Unix ms), or 0 when nothing waits.</summary>
    public long OldestAddedAtMs { get { lock (_gate) return _last > _floor ? _oldestAddedAtMs : 0; } }

    public void Add(IReadOnlyList<LoggedRating> committed, long nowMs)
    {
        if (committed.Count == 0) return;
        lock (_gate)
        {
            if (_last == _floor) _oldestAddedAtMs = nowMs;
            foreach (var rating in committed)
            {
                Bucket(_byUser, rating.User).Add(rating);
                Bucket(_byItem, rating.Item).Add(rating);
            }
            _last = Math.Max(_last, committed[^1].Sequence);
        }
    }

    /// <summary>Drops what the indexes now cover (called after the index chunk committed).</summary>
    public void AdvanceFloor(long indexedUpTo, long nowMs)
    {
        lock (_gate)
        {
            if (indexedUpTo <= _floor) return;
            _floor = indexedUpTo;
            _last = Math.Max(_last, indexedUpTo);
            Trim(_byUser, indexedUpTo);
            Trim(_byItem, indexedUpTo);
            _oldestAddedAtMs = nowMs; // what remains arrived after the chunk was cut; close enough for scheduling
        }
    }

    /// <summary>The floor at this instant and the user's waiting ratings with sequence &gt; after.</summary>
    public (long Floor, LoggedRating[] Ratings) SnapshotUser(string user, long after) => Snapshot(_byUser, user, after);

    public (long Floor, LoggedRating[] Ratings) SnapshotItem(string item, long after) => Snapshot(_byItem, item, after);

    private (long, LoggedRating[]) Snapshot(Dictionary<string, List<LoggedRating>> map, string key, long after)
    {
        lock (_gate)
        {
            if (!map.TryGetValue(key, out var list)) return (_floor, []);
            var start = FirstAfter(list, after);
            return (_floor, list.GetRange(start, list.Count - start).ToArray());
        }
    }

    private static List<LoggedRating> Bucket(Dictionary<string, List<LoggedRating>> map, string key)
    {
        if (!map.TryGetValue(key, out var list)) map.Add(key, list = new List<LoggedRating>(2));
        return list;
    }

    private static void Trim(Dictionary<string, List<LoggedRating>> map, long upTo)
    {
        List<string>? empty = null;
        foreach (var (key, list) in map)
        {
            var keep = FirstAfter(list, upTo);
            if (keep == list.Count) (empty ??= []).Add(key);
            else if (keep > 0) list.RemoveRange(0, keep);
        }
        if (empty is not null) foreach (var key in empty) map.Remove(key);
    }

    // Lists are in sequence order (commits are applied in order), so binary search the first seq > after.
    private static int FirstAfter(List<LoggedRating> list, long after)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].Sequence <= after) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
