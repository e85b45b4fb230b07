using BenchmarkDotNet.Attributes;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;

namespace OnlineRec.Benchmarks;

/// <summary>
/// ns per biased SGD update at k = 32: one operation = one rating of an 80k-rating ML-100K-shaped pass, in a fixed
/// shuffled order, so user/item rows are fetched as in training. The baseline is the textbook scalar loop.
/// </summary>
public class SgdStepBenchmarks
{
    private const int Passes = 1;
    private Rating[] _ratings = [];
    private MfModel _model = null!;
    private SgdStepParameters _parameters;

    [Params(32)]
    public int Factors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = BenchmarkData.MovieLensShapedFold();
        _ratings = [.. data.Ratings];
        new Random(1).Shuffle(_ratings);
        _model = new MfModel(Factors, data.Users, data.Items, data.GlobalMean);
        _model.InitializeRandom(new Random(2), 0.1f);
        // Small η and λ keep repeated passes bounded, so every pass does the same work on finite numbers.
        _parameters = new SgdStepParameters(0.005f, 0.02f, 0.01f);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 80_000 * Passes)]
    public float ScalarLoop()
    {
        var k = Factors;
        var p = _model.UserFactors;
        var q = _model.ItemFactors;
        var bu = _model.UserBias;
        var bi = _model.ItemBias;
        var mu = _model.GlobalMean;
        float eta = _parameters.LearningRate, lambda = _parameters.FactorRegularization, lambdaBias = _parameters.BiasRegularization;
        var last = 0f;
        foreach (var r in _ratings)
        {
            int pu = r.User * k, qi = r.Item * k;
            var dot = 0f;
            for (var f = 0; f < k; f++) dot += p[pu + f] * q[qi + f];
            var e = r.Value - (mu + bu[r.User] + bi[r.Item] + dot);
            bu[r.User] += eta * (e - lambdaBias * bu[r.User]);
            bi[r.Item] += eta * (e - lambdaBias * bi[r.Item]);
            for (var f = 0; f < k; f++)
            {
                var pf = p[pu + f];
                var qf = q[qi + f];
                p[pu + f] = pf + eta * (e * qf - lambda * pf);
                q[qi + f] = qf + eta * (e * pf - lambda * qf);
            }
            last = e;
        }
        return last;
    }

    [Benchmark(OperationsPerInvoke = 80_000 * Passes)]
    public float ProductionStep()
    {
        var m = _model;
        var bu = m.UserBias;
        var bi = m.ItemBias;
        var last = 0f;
        foreach (var r in _ratings)
            last = SgdKernel.Step(ref bu[r.User], ref bi[r.Item], m.UserVector(r.User), m.ItemVector(r.Item), m.GlobalMean, r.Value, _parameters);
        return last;
    }

    [Benchmark(OperationsPerInvoke = 80_000 * Passes)]
    public float CheckedTryStep()
    {
        var m = _model;
        var bu = m.UserBias;
        var bi = m.ItemBias;
        var last = 0f;
        foreach (var r in _ratings)
        {
            SgdKernel.TryStep(ref bu[r.User], ref bi[r.Item], m.UserVector(r.User), m.ItemVector(r.Item), m.GlobalMean, r.Value, _parameters, out var e);
            last = e;
        }
        return last;
    }

}
