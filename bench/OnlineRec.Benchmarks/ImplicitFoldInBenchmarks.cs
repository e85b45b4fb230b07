using BenchmarkDotNet.Attributes;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training.Implicit;

namespace OnlineRec.Benchmarks;

/// <summary>
/// The online kernel a user grain runs on every event: re-solve the user's ranking vector from their interactions
/// (100 items) against the installed version's item factors (1,682 items, as ML-100K) and its cached YᵀY, at k = 64.
/// Baseline: the same exact solve. Compared: recomputing YᵀY per event instead of caching it with the version (what the
/// cache saves), and three conjugate-gradient steps from the user's previous vector (cheaper, not exact).
/// Target: the baseline ≤ 50 µs with no allocation.
/// </summary>
[MemoryDiagnoser]
public class ImplicitFoldInBenchmarks
{
    private const int Items = 1_682;
    private ImplicitModel _model = null!;
    private int[] _items = [];
    private float[] _weights = [];
    private float[] _vector = [];
    private float[] _previous = [];
    private ImplicitSolveWorkspace _workspace = null!;

    [Params(64)]
    public int Factors { get; set; }

    [Params(100)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        _model = new ImplicitModel(Factors, new IdMap(["u"]), new IdMap(Enumerable.Range(0, Items).Select(i => $"i{i}")), 1f, 20f, new InteractionOptions());
        for (var n = 0; n < _model.ItemFactors.Length; n++) _model.ItemFactors[n] = (float)(random.NextGaussian() * 0.1);
        _model.RefreshGrams();
        _items = Enumerable.Range(0, Items).OrderBy(_ => random.Next()).Take(Events).ToArray();
        _weights = _items.Select(_ => 1f + random.Next(3)).ToArray();
        _workspace = new ImplicitSolveWorkspace(Factors);
        _vector = new float[Factors];
        _previous = new float[Factors];
        ImplicitFoldIn.TrySolveUser(_model, _items.AsSpan(1), _weights.AsSpan(1), _previous, _workspace);
    }

    [Benchmark(Baseline = true)]
    public bool FoldInUser() => ImplicitFoldIn.TrySolveUser(_model, _items, _weights, _vector, _workspace);

    [Benchmark]
    public bool FoldInUserRecomputingGram()
    {
        var gram = GramMatrix.Compute(_model.ItemFactors, _model.ItemCount, Factors, maxDegreeOfParallelism: 1);
        return ImplicitRowSolver.TrySolve(_items, _weights, _model.ItemFactors, gram, _model.FoldInSettings, _workspace, _vector);
    }

    [Benchmark]
    public bool ConjugateGradientFromPreviousVector()
    {
        _previous.CopyTo(_vector, 0);
        return ImplicitRowSolver.TrySolve(_items, _weights, _model.ItemFactors, _model.ItemGram,
            _model.FoldInSettings with { Solver = ImplicitSolver.ConjugateGradient, CgSteps = 3 }, _workspace, _vector);
    }
}
