namespace OnlineRec.Core.Serving;

/// <summary>
/// Ids to dense indices for the serving path: insert-only, one writer at a time (the owner's lock), lock-free readers
/// that look ids up by span. Open addressing with linear probing at a load of at most one half, so a lookup is
/// usually one slot and one key comparison, and a slot holds key, hash and index together (no node per entry, as in
/// a chained dictionary).
/// <para>
/// Why not <c>ConcurrentDictionary</c>: a batched prediction looks up hundreds of users and items that are scattered
/// over memory, and each chained lookup is a series of dependent cache misses (bucket, node, key, value) that the
/// processor cannot start before the previous one arrives. <see cref="IndicesOf"/> runs a batch in passes instead —
/// hash every id and prefetch its slot, then prefetch every slot's key, then compare — so the misses of a whole batch
/// overlap. Hashes are the process-randomised string hash, so ids chosen by clients cannot be crafted to collide.
/// </para>
/// </summary>
public sealed class IdTable
{
    private const int MinCapacity = 16;
    private volatile Slots _slots;
    private int _count;

    public IdTable(int expectedCount = 0) => _slots = new Slots(CapacityFor(expectedCount));

    /// <summary>Ids added so far.</summary>
    public int Count => Volatile.Read(ref _count);

    public static int Hash(ReadOnlySpan<char> id) => string.GetHashCode(id);

    /// <summary>The id's index, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> id) => _slots.Find(id, Hash(id));

    /// <summary>
    /// Adds an id the table does not hold yet. Writers must be serialised by the owner, which also knows the id is
    /// absent (it looked first, under the same lock). Readers see the id once this returns, or not yet while it runs.
    /// </summary>
    public void Add(string id, int index)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var slots = _slots;
        if ((_count + 1) * 2 > slots.Capacity)
        {
            // Readers holding the old slots keep a consistent, merely older, view.
            var grown = new Slots(slots.Capacity * 2);
            slots.CopyTo(grown);
            _slots = slots = grown;
        }
        slots.Insert(id, Hash(id), index);
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Every (id, index) pair, for an owner that rebuilds its table (call under the writers' lock).</summary>
    public IEnumerable<(string Id, int Index)> Entries() => _slots.Entries();

    /// <summary>
    /// Looks up many ids (a batched query's, read in place) and writes each one's index, or -1, into
    /// <paramref name="indices"/>. Runs in passes so that the batch's cache misses overlap; <paramref name="indices"/>
    /// holds the hashes in between.
    /// </summary>
    public void IndicesOf<TIds>(TIds ids, Span<int> indices) where TIds : IIdSource, allows ref struct
    {
        var n = ids.Count;
        if (indices.Length < n) throw new ArgumentException("Fewer index slots than ids.", nameof(indices));
        var slots = _slots; // one view for the whole batch
        for (var i = 0; i < n; i++)
        {
            var hash = Hash(ids[i]);
            indices[i] = hash;
            slots.PrefetchHome(hash);
        }
        for (var i = 0; i < n; i++) slots.PrefetchHomeKey(indices[i]);
        for (var i = 0; i < n; i++) indices[i] = slots.Find(ids[i], indices[i]);
    }

    private static int CapacityFor(int count)
    {
        var capacity = MinCapacity;
        while (capacity < count * 2L) capacity *= 2;
        return capacity;
    }

    /// <summary>A power-of-two array of slots. A slot's key is written last and never changes afterwards.</summary>
    private sealed class Slots(int capacity)
    {
        private readonly Entry[] _entries = new Entry[capacity];
        private readonly int _mask = capacity - 1;

        public int Capacity => _entries.Length;

        public void PrefetchHome(int hash) => CacheHints.Prefetch(in _entries[hash & _mask]);

        public void PrefetchHomeKey(int hash) => CacheHints.PrefetchObject(Volatile.Read(ref _entries[hash & _mask].Key));

        public int Find(ReadOnlySpan<char> id, int hash)
        {
            for (var slot = hash & _mask; ; slot = (slot + 1) & _mask)
            {
                ref readonly var entry = ref _entries[slot];
                // Key first (published last by the writer): a reader that sees it also sees its hash and index.
                var key = Volatile.Read(in entry.Key);
                if (key is null) return -1;
                if (entry.Hash == hash && id.SequenceEqual(key)) return entry.Index;
            }
        }

        public void Insert(string id, int hash, int index)
        {
            var slot = hash & _mask;
            while (_entries[slot].Key is not null) slot = (slot + 1) & _mask;
            ref var entry = ref _entries[slot];
            entry.Hash = hash;
            entry.Index = index;
            Volatile.Write(ref entry.Key, id);
        }

        public void CopyTo(Slots target)
        {
            foreach (var entry in _entries)
                if (entry.Key is not null) target.Insert(entry.Key, entry.Hash, entry.Index);
        }

        public IEnumerable<(string Id, int Index)> Entries()
        {
            foreach (var entry in _entries)
                if (entry.Key is not null) yield return (entry.Key, entry.Index);
        }
    }

    private struct Entry
    {
        public string? Key;
        public int Hash;
        public int Index;
    }
}

/// <summary>A batch of ids read in place (a batched query's packed list); implemented by structs, so lookups inline.</summary>
public interface IIdSource
{
    int Count { get; }

    ReadOnlySpan<char> this[int index] { get; }
}
