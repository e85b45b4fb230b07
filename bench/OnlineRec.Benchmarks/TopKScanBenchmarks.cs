using BenchmarkDotNet.Attributes;
using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;

namespace OnlineRec.Benchmarks;

/// <summary>
/// One top-10 query over an item table at k = 64 (1,682 items as ML-100K, 3,650 as the end-to-end catalogue), ten
/// excluded items. Baseline: one <see cref="VectorMath.Dot"/> per item into the same bounded heap.
/// </summary>
public class TopKScanBenchmarks
{
    private const int Factors = 64;
    private float[] _factors = [];
    private float[] _bias = [];
    private float[] _user = [];
    private int[] _excluded = [];
    private TopKScanner _scanner = null!;
    private readonly ScoredItem[] _top = new ScoredItem[10];

    [Params(1_682, 3_650)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _factors = Enumerable.Range(0, Items * Factors).Select(_ => (float)random.NextGaussian() * 0.1f).ToArray();
        _bias = Enumerable.Range(0, Items).Select(_ => (float)random.NextGaussian() * 0.3f).ToArray();
        _user = Enumerable.Range(0, Factors).Select(_ => (float)random.NextGaussian() * 0.1f).ToArray();
        _excluded = Enumerable.Range(0, 10).Select(_ => random.Next(Items)).ToArray();
        _scanner = new TopKScanner(_factors, _bias, Items, Factors, 3.5f);
    }

    [Benchmark(Baseline = true)]
    public float DotPerItem()
    {
        var skip = new HashSet<int>(_excluded);
        var best = new PriorityQueue<int, float>();
        for (var i = 0; i < Items; i++)
        {
            if (skip.Contains(i)) continue;
            var score = 3.5f + _bias[i] + VectorMath.Dot(_user, _factors.AsSpan(i * Factors, Factors));
            if (best.Count < _top.Length) best.Enqueue(i, score);
            else if (best.TryPeek(out _, out var worst) && score > worst) best.EnqueueDequeue(i, score);
        }
        return best.Count;
    }

    [Benchmark]
    public int Scanner() => _scanner.TopK(_user, 0f, _excluded, _top);
}
