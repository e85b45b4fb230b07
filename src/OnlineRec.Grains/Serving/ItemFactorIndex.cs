using System.Buffers;
using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// This silo's replica of every item's bias and latent vector, for top-K and similar-item scans without a grain call
/// per item. Seeded from each installed model version and refreshed by item grains after every online step (locally
/// at once, from other silos through <see cref="ItemUpdateBroadcaster"/>). Readers never lock: a scan may see a vector
/// mid-update, which only blends two finite vectors, never a NaN.
/// </summary>
public sealed class ItemFactorIndex
{
    private readonly object _writeLock = new();
    private volatile Table _table;
    private long _generation;

    public ItemFactorIndex(int factors)
    {
        Factors = factors;
        _table = new Table(new IdTable(), new string[256], new float[256], new float[256 * factors], 0, 0);
    }

    public int Factors { get; }

    /// <summary>Items known to this replica.</summary>
    public int Count => _table.Count;

    /// <summary>
    /// Grows whenever any row changes (a load or an online update). Read it before a scan: if it is unchanged later,
    /// the scan's result is still exact.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Version of the model whose rows seeded the replica.</summary>
    public int ModelVersion => _table.ModelVersion;

    /// <summary>Replaces every row with an installed model's items (online updates then continue on top).</summary>
    public void Load(MfModel model, int version)
    {
        if (model.Factors != Factors) throw new ArgumentException($"Model has k={model.Factors}, index expects {Factors}.");
        var n = model.ItemCount;
        var capacity = Math.Max(256, n * 2);
        var index = new IdTable(capacity);
        var ids = new string[capacity];
        for (var i = 0; i < n; i++)
        {
            ids[i] = model.Items[i];
            index.Add(ids[i], i); // ids in a model are distinct
        }
        var biases = new float[capacity];
        var vectors = new float[capacity * Factors];
        model.ItemBias.AsSpan(0, n).CopyTo(biases);
        model.ItemFactors.AsSpan(0, n * Factors).CopyTo(vectors);
        lock (_writeLock)
        {
            _table = new Table(index, ids, biases, vectors, n, version);
            Interlocked.Increment(ref _generation);
        }
    }

    /// <summary>
    /// Sets one item's row, adding the item if new. Rows learned under an older model version than the replica's are
    /// dropped (they would overwrite the newer solution); non-finite rows are ignored (grains never send them).
    /// </summary>
    public void Update(string item, float bias, ReadOnlySpan<float> vector, int modelVersion)
    {
        if (vector.Length != Factors || !float.IsFinite(bias) || !VectorMath.AllFinite(vector)) return;
        lock (_writeLock)
        {
            var table = _table;
            if (modelVersion < table.ModelVersion) return;
            var row = table.Index.IndexOf(item);
            if (row >= 0)
            {
                vector.CopyTo(table.Vectors.AsSpan(row * Factors, Factors));
                table.Biases[row] = bias;
                Interlocked.Increment(ref _generation);
                return;
            }
            // New item: fill the row first, then make it visible (index entry, then count) to lock-free readers.
            table = EnsureRoom(table);
            row = table.Count;
            table.Ids[row] = item;
            vector.CopyTo(table.Vectors.AsSpan(row * Factors, Factors));
            table.Biases[row] = bias;
            table.Index.Add(item, row);
            _table = table with { Count = row + 1 };
            Interlocked.Increment(ref _generation);
        }
    }

    public bool TryGet(string item, out float bias, Span<float> vector)
    {
        var table = _table;
        var row = table.RowOf(item);
        if (row < 0)
        {
            bias = 0;
            return false;
        }
        bias = table.Biases[row];
        table.Vectors.AsSpan(row * Factors, Factors).CopyTo(vector);
        return true;
    }

    /// <summary>
    /// The item's bias and its dot product with <paramref name="userVector"/> (0 for an empty vector), read in place.
    /// False when the item is unknown.
    /// </summary>
    public bool TryScore(ReadOnlySpan<char> item, ReadOnlySpan<float> userVector, out float bias, out float dot)
    {
        var table = _table;
        var row = table.RowOf(item);
        if (row < 0)
        {
            bias = 0;
            dot = 0;
            return false;
        }
        bias = table.Biases[row];
        dot = userVector.Length == Factors ? VectorMath.Dot(userVector, table.Vectors.AsSpan(row * Factors, Factors)) : 0f;
        return true;
    }

    /// <summary>
    /// Top <paramref name="count"/> items by b_i + p·q_i (the user's μ + b_u shifts every score equally and is added by the
    /// caller), skipping <paramref name="exclude"/>. A user without a vector (empty span) ranks by item bias alone.
    /// </summary>
    public (string Item, float Score)[] TopK(ReadOnlySpan<float> userVector, int count, IReadOnlyCollection<string> exclude)
    {
        var table = _table;
        var n = table.Count;
        if (count <= 0 || n == 0) return [];
        var excluded = ArrayPool<int>.Shared.Rent(Math.Max(1, exclude.Count));
        var best = ArrayPool<ScoredItem>.Shared.Rent(Math.Min(count, n));
        try
        {
            var excludedCount = 0;
            foreach (var item in exclude)
                if (table.RowOf(item) is var row and >= 0 && row < n) excluded[excludedCount++] = row;
            var scanner = new TopKScanner(table.Vectors, table.Biases, n, Factors);
            var found = scanner.TopK(userVector.Length == Factors ? userVector : ReadOnlySpan<float>.Empty, 0f,
                excluded.AsSpan(0, excludedCount), best.AsSpan(0, Math.Min(count, n)));
            return ToIds(table, best.AsSpan(0, found));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(excluded);
            ArrayPool<ScoredItem>.Shared.Return(best);
        }
    }

    /// <summary>Items nearest to <paramref name="item"/> by cosine similarity of latent vectors; empty when unknown.</summary>
    public (string Item, float Score)[] Similar(string item, int count)
    {
        var table = _table;
        var target = table.RowOf(item);
        if (count <= 0 || target < 0) return [];
        var similar = new SimilarItems(table.Vectors, table.Count, Factors).MostSimilar(target, Math.Min(count, table.Count));
        return ToIds(table, similar);
    }

    private static (string Item, float Score)[] ToIds(Table table, ReadOnlySpan<ScoredItem> scored)
    {
        var result = new (string, float)[scored.Length];
        for (var i = 0; i < scored.Length; i++) result[i] = (table.Ids[scored[i].Item], scored[i].Score);
        return result;
    }

    private Table EnsureRoom(Table table)
    {
        if (table.Count < table.Biases.Length) return table;
        var capacity = table.Biases.Length * 2;
        var ids = new string[capacity];
        var biases = new float[capacity];
        var vectors = new float[capacity * Factors];
        table.Ids.AsSpan(0, table.Count).CopyTo(ids);
        table.Biases.AsSpan(0, table.Count).CopyTo(biases);
        table.Vectors.AsSpan(0, table.Count * Factors).CopyTo(vectors);
        // Readers holding the old table keep scanning it; it stays valid, merely stale.
        var grown = new Table(table.Index, ids, biases, vectors, table.Count, table.ModelVersion);
        _table = grown;
        return grown;
    }

    /// <summary>
    /// Rows of a batched query's items: each item's row, or -1, in <paramref name="rows"/>, and a view to read them
    /// from. The rows' vectors are prefetched for the caller's next pass (see <see cref="IdTable.IndicesOf"/>).
    /// </summary>
    public ItemRows LookUp<TIds>(TIds items, Span<int> rows) where TIds : IIdSource
    {
        var table = _table; // one view for the whole batch
        table.Index.IndicesOf(items, rows);
        for (var i = 0; i < items.Count; i++)
        {
            if (rows[i] >= table.Count) rows[i] = -1; // added after this view: its row may be beyond these arrays
            if (rows[i] >= 0) CacheHints.PrefetchLines(table.Vectors.AsSpan(rows[i] * Factors, Factors));
        }
        return new ItemRows(table.Biases, table.Vectors, Factors);
    }

    // Index is shared by a table and the larger tables that replace it, and lock-free readers look ids up while a
    // writer adds; Ids/Biases/Vectors rows below Count are fully written before Count is published, so a row at or
    // beyond a view's Count reads as absent from that view.
    private sealed record Table(IdTable Index, string[] Ids, float[] Biases, float[] Vectors, int Count, int ModelVersion)
    {
        public int RowOf(ReadOnlySpan<char> item) => Index.IndexOf(item) is var row && row < Count ? row : -1;
    }
}

/// <summary>Item rows of one view of <see cref="ItemFactorIndex"/>, by row (from <see cref="ItemFactorIndex.LookUp"/>).</summary>
public readonly struct ItemRows(float[] biases, float[] vectors, int factors)
{
    public float BiasAt(int row) => biases[row];

    public ReadOnlySpan<float> VectorAt(int row) => vectors.AsSpan(row * factors, factors);
}
