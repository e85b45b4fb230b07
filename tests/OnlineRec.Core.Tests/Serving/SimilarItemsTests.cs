using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;

namespace OnlineRec.Core.Tests.Serving;

public sealed class SimilarItemsTests
{
    [Fact]
    public void Ranks_by_cosine_and_never_returns_the_item_itself()
    {
        float[] factors =
        [
            1f, 0f, // 0: query
            2f, 0f, // 1: same direction, longer → cosine 1
            1f, 1f, // 2: 45° → 0.7071
            0f, 3f, // 3: orthogonal → 0
            -1f, 0f, // 4: opposite → −1
            0f, 0f, // 5: zero vector → never similar
        ];
        var similar = new SimilarItems(factors, 6, 2);

        var result = similar.MostSimilar(0, k: 10);

        Assert.Equal([1, 2, 3, 4], result.Select(s => s.Item));
        Assert.Equal([1f, MathF.Sqrt(0.5f), 0f, -1f], result.Select(s => s.Score), new ToleranceComparer(1e-6f));
        Assert.Empty(similar.MostSimilar(5, k: 3));
        Assert.Equal(0f, similar.Cosine(0, 5));
    }

    [Fact]
    public void Matches_a_brute_force_sort_with_exclusions()
    {
        var random = new Random(11);
        const int items = 800, k = 24;
        var factors = new float[items * k];
        for (var i = 0; i < factors.Length; i++) factors[i] = (float)random.NextGaussian();
        var similar = new SimilarItems(factors, items, k);
        int[] excluded = [799, 5, 17, 5];

        var expected = Enumerable.Range(0, items)
            .Where(i => i != 42 && !excluded.Contains(i))
            .Select(i => new ScoredItem(i, similar.Cosine(42, i)))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Item)
            .Take(10).ToArray();
        Span<ScoredItem> top = new ScoredItem[10];

        var count = similar.MostSimilar(42, top, excluded);

        Assert.Equal(10, count);
        Assert.Equal(expected, top.ToArray());
    }

    [Fact]
    public void Rejects_unknown_items()
    {
        var similar = new SimilarItems(new float[4], 2, 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => similar.MostSimilar(2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => similar.MostSimilar(-1, 1));
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
