using BenchmarkDotNet.Attributes;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;

namespace OnlineRec.Benchmarks;

/// <summary>
/// One ALS training run (k = 64, 15 iterations, all cores) on an ML-100K-shaped fold: the production float Cholesky
/// row solver against the same trainer with MathNet's double-precision dense Cholesky per row.
/// </summary>
public class AlsTrainingBenchmarks
{
    private RatingDataset _data = null!;

    [Params(64)]
    public int Factors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = BenchmarkData.MovieLensShapedFold();
        _ = _data.ByUser; // build the CSR views outside the timed region, as a fold loaded once would
        _ = _data.ByItem;
    }

    [Benchmark(Baseline = true)]
    public MfModel AlsOwnCholesky() => Train(DenseSolver.Cholesky);

    [Benchmark]
    public MfModel AlsMathNetSolve() => Train(DenseSolver.MathNet);

    private MfModel Train(DenseSolver solver) =>
        new AlsTrainer(new AlsOptions { Factors = Factors, Iterations = 15, Solver = solver }).Train(_data);
}
