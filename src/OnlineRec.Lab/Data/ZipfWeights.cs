namespace OnlineRec.Lab.Data;

/// <summary>
/// Power-law weights over n entities: a random permutation assigns popularity ranks, and rank k (1-based) gets
/// weight k^−s. Drawing uses the cumulative table and a binary search (O(log n)).
/// </summary>
internal sealed class ZipfWeights
{
    private readonly double[] _cumulative;

    public ZipfWeights(int count, double exponent, Random random)
    {
        var rankOf = new int[count];
        for (var i = 0; i < count; i++) rankOf[i] = i;
        random.Shuffle(rankOf);
        Weights = new double[count];
        _cumulative = new double[count];
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            Weights[i] = Math.Pow(rankOf[i] + 1, -exponent);
            total += Weights[i];
            _cumulative[i] = total;
        }
        Total = total;
    }

    public double[] Weights { get; }
    public double Total { get; }
    public int Count => Weights.Length;

    public int Draw(Random random)
    {
        var target = random.NextDouble() * Total;
        var index = Array.BinarySearch(_cumulative, target);
        if (index < 0) index = ~index;
        return Math.Min(index, _cumulative.Length - 1);
    }
}
