using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;

namespace OnlineRec.Benchmarks;

/// <summary>
/// The silo's part of a batched prediction without Orleans: 500 (user, item) pairs packed as one string each, every
/// user and item looked up by span, then μ + b_u + b_i + p_u·q_i at k = 64. Users are objects scattered over the
/// heap (as grains publish them), items rows of one array (as the item replica holds them). Baseline: chained
/// <see cref="ConcurrentDictionary{TKey,TValue}"/> lookups one pair at a time, the design the id tables replaced
/// (docs/decisions/0013-id-tables-and-lookups-in-passes.md). With 1,000,000 users the rows miss every cache, as in a
/// large deployment.
/// </summary>
public class BatchedLookupBenchmarks
{
    private const int Factors = 64, Items = 2_000, Batch = 500, Batches = 64;
    private ConcurrentDictionary<string, UserVector>.AlternateLookup<ReadOnlySpan<char>> _usersByDictionary;
    private ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _itemsByDictionary;
    private readonly IdTable _userIds = new();
    private readonly IdTable _itemIds = new();
    private UserVector[] _userRows = [];
    private float[] _itemVectors = [];
    private float[] _itemBiases = [];
    private (string Chars, int[] Ends)[] _users = [], _items = [];
    private readonly int[] _userIndices = new int[Batch], _itemIndices = new int[Batch];
    private readonly float[] _scores = new float[Batch];
    private int _next;

    [Params(10_000, 1_000_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var userDictionary = new ConcurrentDictionary<string, UserVector>(StringComparer.Ordinal);
        var itemDictionary = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        _userRows = new UserVector[Users];
        var garbage = new List<byte[]>();
        for (var u = 0; u < Users; u++)
        {
            var row = new UserVector((float)random.NextGaussian() * 0.1f, RandomVector(random));
            garbage.Add(new byte[random.Next(16, 256)]); // rows are not neighbours on a real heap either
            _userRows[u] = row;
            userDictionary["user-" + u] = row;
            _userIds.Add("user-" + u, u);
        }
        _itemVectors = new float[Items * Factors];
        _itemBiases = new float[Items];
        for (var i = 0; i < Items; i++)
        {
            RandomVector(random).CopyTo(_itemVectors, i * Factors);
            _itemBiases[i] = (float)random.NextGaussian() * 0.1f;
            itemDictionary["item-" + i] = i;
            _itemIds.Add("item-" + i, i);
        }
        _usersByDictionary = userDictionary.GetAlternateLookup<ReadOnlySpan<char>>();
        _itemsByDictionary = itemDictionary.GetAlternateLookup<ReadOnlySpan<char>>();
        _users = new (string, int[])[Batches];
        _items = new (string, int[])[Batches];
        for (var b = 0; b < Batches; b++)
        {
            _users[b] = Pack(Enumerable.Range(0, Batch).Select(_ => "user-" + random.Next(Users)));
            _items[b] = Pack(Enumerable.Range(0, Batch).Select(_ => "item-" + random.Next(Items)));
        }
        GC.KeepAlive(garbage);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public float ChainedDictionaryOneAtATime()
    {
        var (users, userEnds) = _users[_next];
        var (items, itemEnds) = _items[_next = (_next + 1) % Batches];
        var sum = 0f;
        for (var i = 0; i < Batch; i++)
        {
            var row = _usersByDictionary[IdAt(users, userEnds, i)];
            var item = _itemsByDictionary[IdAt(items, itemEnds, i)];
            sum += _scores[i] = 3.5f + row.Bias + _itemBiases[item] + VectorMath.Dot(row.Vector, _itemVectors.AsSpan(item * Factors, Factors));
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public float IdTableInPasses()
    {
        var (users, userEnds) = _users[_next];
        var (items, itemEnds) = _items[_next = (_next + 1) % Batches];
        _userIds.IndicesOf(new PackedIds(users, userEnds), _userIndices);
        for (var i = 0; i < Batch; i++) CacheHints.PrefetchObject(_userRows[_userIndices[i]]);
        for (var i = 0; i < Batch; i++) CacheHints.PrefetchLines(_userRows[_userIndices[i]].Vector);
        _itemIds.IndicesOf(new PackedIds(items, itemEnds), _itemIndices);
        for (var i = 0; i < Batch; i++) CacheHints.PrefetchLines(_itemVectors.AsSpan(_itemIndices[i] * Factors, Factors));
        var sum = 0f;
        for (var i = 0; i < Batch; i++)
        {
            var row = _userRows[_userIndices[i]];
            var item = _itemIndices[i];
            sum += _scores[i] = 3.5f + row.Bias + _itemBiases[item] + VectorMath.Dot(row.Vector, _itemVectors.AsSpan(item * Factors, Factors));
        }
        return sum;
    }

    private static float[] RandomVector(Random random) =>
        Enumerable.Range(0, Factors).Select(_ => (float)random.NextGaussian() * 0.1f).ToArray();

    private static (string, int[]) Pack(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        var ends = new int[list.Count];
        for (int i = 0, end = 0; i < list.Count; i++) ends[i] = end += list[i].Length;
        return (string.Concat(list), ends);
    }

    private static ReadOnlySpan<char> IdAt(string packed, int[] ends, int i)
    {
        var start = i == 0 ? 0 : ends[i - 1];
        return packed.AsSpan(start, ends[i] - start);
    }

    private sealed record UserVector(float Bias, float[] Vector);

    private readonly struct PackedIds(string packed, int[] ends) : IIdSource
    {
        public int Count => ends.Length;

        public ReadOnlySpan<char> this[int index] => IdAt(packed, ends, index);
    }
}
