using OnlineRec.Core.Model;

namespace OnlineRec.Core.Tests.Training;

/// <summary>
/// Test data with a known answer: r = μ + b_u + b_i + u·v + σε with rank-<c>rank</c> factors, a random subset
/// observed and split into train and held-out parts. The best possible held-out RMSE is about σ.
/// </summary>
internal sealed record LowRankRatings(RatingDataset Train, RatingDataset Test, float Noise)
{
    public static LowRankRatings Create(int users = 300, int items = 200, int rank = 4, double density = 0.3,
        float noise = 0.3f, double testFraction = 0.2, int seed = 7, float mean = 3.5f, float biasStd = 0.3f)
    {
        var random = new Random(seed);
        var scale = 1.0 / Math.Sqrt(rank);
        var u = Gaussian(random, users * rank, scale);
        var v = Gaussian(random, items * rank, scale);
        var bu = Gaussian(random, users, biasStd);
        var bi = Gaussian(random, items, biasStd);
        var train = new List<RatingEvent>();
        var test = new List<RatingEvent>();
        for (var a = 0; a < users; a++)
            for (var b = 0; b < items; b++)
            {
                if (random.NextDouble() >= density) continue;
                double value = mean + bu[a] + bi[b] + noise * random.NextGaussian();
                for (var f = 0; f < rank; f++) value += u[a * rank + f] * v[b * rank + f];
                var e = new RatingEvent($"u{a}", $"i{b}", (float)value, 0);
                (random.NextDouble() < testFraction ? test : train).Add(e);
            }
        var trainSet = RatingDataset.FromEvents(train);
        return new LowRankRatings(trainSet, RatingDataset.MapOnto(test, trainSet.Users, trainSet.Items), noise);
    }

    /// <summary>Held-out RMSE of unclamped predictions.</summary>
    public double TestRmse(IRatingPredictor predictor) => Rmse(predictor, Test);

    public static double Rmse(IRatingPredictor predictor, RatingDataset data)
    {
        double sum = 0;
        foreach (var r in data.Ratings)
        {
            double e = r.Value - predictor.PredictRaw(r.User, r.Item);
            sum += e * e;
        }
        return Math.Sqrt(sum / data.Count);
    }

    private static double[] Gaussian(Random random, int count, double std)
    {
        var values = new double[count];
        for (var n = 0; n < count; n++) values[n] = std * random.NextGaussian();
        return values;
    }
}

/// <summary>μ + b_u + b_i with damped means: the plain baseline every factor model must beat.</summary>
internal sealed class BiasBaseline : IRatingPredictor
{
    private readonly float _mean;
    private readonly float[] _userBias;
    private readonly float[] _itemBias;

    public BiasBaseline(RatingDataset data, float damping = 5f)
    {
        _mean = data.GlobalMean;
        _itemBias = new float[data.Items.Count];
        for (var i = 0; i < _itemBias.Length; i++)
        {
            var values = data.ByItem.RowValues(i);
            var sum = 0f;
            foreach (var value in values) sum += value - _mean;
            _itemBias[i] = sum / (values.Length + damping);
        }
        _userBias = new float[data.Users.Count];
        for (var u = 0; u < _userBias.Length; u++)
        {
            var columns = data.ByUser.RowColumns(u);
            var values = data.ByUser.RowValues(u);
            var sum = 0f;
            for (var j = 0; j < values.Length; j++) sum += values[j] - _mean - _itemBias[columns[j]];
            _userBias[u] = sum / (values.Length + damping);
        }
    }

    public float PredictRaw(int user, int item) =>
        _mean + ((uint)user < (uint)_userBias.Length ? _userBias[user] : 0f) + ((uint)item < (uint)_itemBias.Length ? _itemBias[item] : 0f);
}
