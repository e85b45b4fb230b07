using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training.Implicit;

namespace OnlineRec.Benchmarks;

/// <summary>
/// One retrain of the ranking model (implicit ALS, the default α, λ and sweeps, all cores) on MovieLens 100K u1.base
/// (or an ML-shaped synthetic fold when the data is not beside the repository): exact Cholesky row solves (baseline)
/// against three conjugate-gradient steps warm-started from the previous sweep, at k = 32, 64, 128. Both reach the
/// same list quality on u1..u5 (evaluate --task ranking --solver ...), so the faster one is the trainer's default.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ImplicitTrainingBenchmarks
{
    private InteractionDataset _data = null!;

    [Params(32, 64, 128)]
    public int Factors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (ratings, source) = BenchmarkData.U1BaseOrShapedFold();
        Console.WriteLine($"// ranking-model retrain on {source}");
        _data = InteractionDataset.FromRatings(ratings, new InteractionOptions());
    }

    [Benchmark(Baseline = true)]
    public ImplicitModel Cholesky() => Train(ImplicitSolver.Cholesky);

    [Benchmark]
    public ImplicitModel ConjugateGradient() => Train(ImplicitSolver.ConjugateGradient);

    private ImplicitModel Train(ImplicitSolver solver) =>
        new ImplicitTrainer(new ImplicitOptions { Factors = Factors, Solver = solver }).Train(_data);
}
