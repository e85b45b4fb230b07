using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;

namespace OnlineRec.Core.Tests.Serving;

public sealed class TopKScannerTests
{
    private static float[] RandomVector(Random random, int length)
    {
        var v = new float[length];
        for (var i = 0; i < length; i++) v[i] = (float)random.NextGaussian();
        return v;
    }

    private static ScoredItem[] BruteForce(float[] factors, float[] bias, int items, int k, float mu, float[] user, float userBias,
        IEnumerable<int> excluded, int top)
    {
        var skip = excluded.ToHashSet();
        return Enumerable.Range(0, items)
            .Where(i => !skip.Contains(i))
            .Select(i => new ScoredItem(i, mu + userBias + VectorMath.Dot(user, factors.AsSpan(i * k, k)) + bias[i]))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Item)
            .Take(top)
            .ToArray();
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(500, 3, 10)]
    [InlineData(2_000, 16, 10)]
    [InlineData(1_000, 37, 50)]
    [InlineData(50, 8, 100)]
    public void Matches_a_brute_force_sort(int items, int factors, int k)
    {
        var random = new Random(items + factors + k);
        var itemFactors = RandomVector(random, items * factors);
        var bias = RandomVector(random, items);
        var scanner = new TopKScanner(itemFactors, bias, items, factors, globalMean: 3.5f);

        for (var query = 0; query < 5; query++)
        {
            var user = RandomVector(random, factors);
            var excluded = Enumerable.Range(0, items / 3).Select(_ => random.Next(items)).ToArray(); // unsorted, duplicates
            var expected = BruteForce(itemFactors, bias, items, factors, 3.5f, user, 0.25f, excluded, k);

            var actual = scanner.TopK(user, 0.25f, k, excluded);

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Ties_prefer_lower_item_index_and_sorted_exclusions_work()
    {
        // Four identical items, three factors of zero: every score is μ + b_u + b_i.
        float[] bias = [1f, 2f, 2f, 2f, 0f];
        var scanner = new TopKScanner(new float[15], bias, 5, 3, globalMean: 1f);

        var top = scanner.TopK([0f, 0f, 0f], userBias: 0.5f, k: 3, excludedItems: [2]);

        Assert.Equal([new ScoredItem(1, 3.5f), new ScoredItem(3, 3.5f), new ScoredItem(0, 2.5f)], top);
    }

    [Fact]
    public void Returns_fewer_when_fewer_items_remain_and_ignores_out_of_range_exclusions()
    {
        var scanner = new TopKScanner([1f, 2f, 3f], null, 3, 1);

        var top = scanner.TopK([1f], 0f, k: 10, excludedItems: [-5, 1, 99]);

        Assert.Equal([new ScoredItem(2, 3f), new ScoredItem(0, 1f)], top);
        Span<ScoredItem> none = [];
        Assert.Equal(0, scanner.TopK([1f], 0f, [], none));
    }

    [Fact]
    public void Non_finite_scores_are_never_returned()
    {
        var scanner = new TopKScanner([1f, float.NaN, 2f], null, 3, 1);

        Assert.Equal([2, 0], scanner.TopK([1f], 0f, 3).Select(s => s.Item));
    }

    [Fact]
    public void Model_scanner_agrees_with_model_predictions()
    {
        var model = new MfModel(4, new IdMap(["a", "b"]), new IdMap(Enumerable.Range(0, 30).Select(i => $"i{i}")), globalMean: 3f);
        model.InitializeRandom(new Random(3), 0.5f);
        var random = new Random(4);
        for (var i = 0; i < model.ItemCount; i++) model.ItemBias[i] = (float)random.NextGaussian() * 0.3f;
        model.UserBias[1] = 0.4f;
        var scanner = TopKScanner.FromModel(model);
        Span<ScoredItem> top = stackalloc ScoredItem[5];

        var count = scanner.TopKForUser(model, 1, [0, 1, 2], top);

        Assert.Equal(5, count);
        var expected = Enumerable.Range(3, 27).OrderByDescending(i => model.PredictRaw(1, i)).Take(5).ToArray();
        Assert.Equal(expected, top.ToArray().Select(s => s.Item));
        foreach (var s in top) Assert.Equal(model.PredictRaw(1, s.Item), s.Score, 1e-5);
    }

    [Fact]
    public void A_cold_user_gets_items_ranked_by_bias()
    {
        var scanner = new TopKScanner([9f, 9f, -9f, -9f, 0f, 0f], [0.1f, 0.3f, 0.2f], 3, 2, globalMean: 3f);

        var top = scanner.TopK(ReadOnlySpan<float>.Empty, userBias: 0.5f, k: 2, excludedItems: [1]);

        Assert.Equal([new ScoredItem(2, 3.7f), new ScoredItem(0, 3.6f)], top);
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        Assert.Throws<ArgumentException>(() => new TopKScanner(new float[5], null, 3, 2));
        Assert.Throws<ArgumentException>(() => new TopKScanner(new float[6], new float[2], 3, 2));
        var scanner = new TopKScanner(new float[6], null, 3, 2);
        Assert.Throws<ArgumentException>(() => scanner.TopK([1f, 2f, 3f], 0f, 2));
    }
}
