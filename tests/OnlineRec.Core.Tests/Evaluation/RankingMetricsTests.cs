using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Model;

namespace OnlineRec.Core.Tests.Evaluation;

public sealed class RankingMetricsTests
{
    private static readonly HashSet<int> Relevant = [1, 3, 8];

    [Fact]
    public void Precision_and_recall_count_hits_in_the_first_k()
    {
        int[] list = [3, 5, 1, 9, 8];

        Assert.Equal(2 / 3.0, RankingMetrics.PrecisionAt(3, list, Relevant), 1e-12);
        Assert.Equal(2 / 3.0, RankingMetrics.RecallAt(3, list, Relevant), 1e-12);
        Assert.Equal(3 / 5.0, RankingMetrics.PrecisionAt(5, list, Relevant), 1e-12);
        Assert.Equal(1.0, RankingMetrics.RecallAt(5, list, Relevant), 1e-12);
        // A short list is not rewarded: 1 hit of k = 4.
        Assert.Equal(0.25, RankingMetrics.PrecisionAt(4, [8], Relevant), 1e-12);
    }

    [Fact]
    public void Ndcg_matches_hand_computation()
    {
        // Hits at ranks 1 and 3: DCG = 1 + 1/log2(4) = 1.5; ideal for 3 relevant in top 3: 1 + 1/log2(3) + 1/2.
        var expected = 1.5 / (1 + 1 / Math.Log2(3) + 0.5);

        Assert.Equal(expected, RankingMetrics.NdcgAt(3, [3, 5, 1, 9], Relevant), 1e-12);
        Assert.Equal(1.0, RankingMetrics.NdcgAt(3, [8, 1, 3], Relevant), 1e-12);
        Assert.Equal(0.0, RankingMetrics.NdcgAt(3, [0, 2], Relevant), 1e-12);
        // Ideal is capped at k: with k = 1 a single top hit is perfect.
        Assert.Equal(1.0, RankingMetrics.NdcgAt(1, [1, 0], Relevant), 1e-12);
    }

    [Fact]
    public void Recall_and_ndcg_need_relevant_items()
    {
        Assert.Throws<ArgumentException>(() => RankingMetrics.RecallAt(3, [1], new HashSet<int>()));
        Assert.Throws<ArgumentException>(() => RankingMetrics.NdcgAt(3, [1], new HashSet<int>()));
    }

    [Fact]
    public void Dataset_evaluation_uses_threshold_and_skips_users_without_relevant_items()
    {
        // User 0 liked items 1 and 2 (≥ 4); user 1 liked nothing; user 2 liked item 0; unknown item/user are ignored.
        var test = new RatingDataset(new IdMap(["a", "b", "c"]), new IdMap(["x", "y", "z"]),
        [
            new Rating(0, 1, 5), new Rating(0, 2, 4), new Rating(0, 0, 3), new Rating(1, 0, 2),
            new Rating(2, 0, 4.5f), new Rating(2, -1, 5), new Rating(-1, 1, 5),
        ]);
        IReadOnlyList<int> Recommend(int user, int k) => user == 0 ? [1, 0] : [1, 2];

        var report = RankingMetrics.Evaluate(test, k: 2, relevanceThreshold: 4f, Recommend);

        // User 0: P 1/2, R 1/2, NDCG 1/(1 + 1/log2 3). User 2: all 0.
        Assert.Equal(2, report.Users);
        Assert.Equal(0.25, report.Precision, 1e-12);
        Assert.Equal(0.25, report.Recall, 1e-12);
        Assert.Equal(0.5 / (1 + 1 / Math.Log2(3)), report.Ndcg, 1e-12);
    }

    [Fact]
    public void Model_evaluation_excludes_training_items_and_ranks_by_prediction()
    {
        // Items 0..3 with biases 4 > 3 > 2 > 1 (no factors): user 0 rated item 0 in training, so its top-2 is
        // items 1, 2; the test likes items 2 and 3 → one hit at rank 2.
        var users = new IdMap(["a"]);
        var items = new IdMap(["w", "x", "y", "z"]);
        var train = new RatingDataset(users, items, [new Rating(0, 0, 5)]);
        var test = new RatingDataset(users, items, [new Rating(0, 2, 5), new Rating(0, 3, 4)]);
        var model = new MfModel(2, users, items);
        float[] bias = [4f, 3f, 2f, 1f];
        bias.CopyTo(model.ItemBias, 0);

        var report = RankingMetrics.Evaluate(train, test, model, k: 2, relevanceThreshold: 4f);

        Assert.Equal(1, report.Users);
        Assert.Equal(0.5, report.Precision, 1e-12);
        Assert.Equal(0.5, report.Recall, 1e-12);
        Assert.Equal((1 / Math.Log2(3)) / (1 + 1 / Math.Log2(3)), report.Ndcg, 1e-12);
    }

    [Fact]
    public void Average_precision_rewards_hits_near_the_top()
    {
        var relevant = new HashSet<int> { 1, 3, 7 };

        // Hits at ranks 1 and 3: (1/1 + 2/3) / min(4, 3).
        Assert.Equal((1 + 2 / 3.0) / 3, RankingMetrics.AveragePrecisionAt(4, [1, 0, 3, 9], relevant), 1e-12);
        // The same hits lower down score less; a perfect list scores 1.
        Assert.Equal((1 / 2.0 + 2 / 4.0) / 3, RankingMetrics.AveragePrecisionAt(4, [0, 1, 9, 3], relevant), 1e-12);
        Assert.Equal(1.0, RankingMetrics.AveragePrecisionAt(2, [7, 3, 0], relevant), 1e-12);
        Assert.Equal(0.0, RankingMetrics.AveragePrecisionAt(2, [0, 9, 1], relevant), 1e-12);
    }

    [Fact]
    public void Hit_rate_and_coverage_average_over_users_and_the_catalogue()
    {
        var relevant = new Dictionary<int, IReadOnlySet<int>>
        {
            [0] = new HashSet<int> { 4 },
            [1] = new HashSet<int> { 9 },
            [2] = new HashSet<int>(), // nothing relevant: skipped, and never asked for a list
        };
        IReadOnlyList<int> Recommend(int user) => user == 0 ? [4, 5] : [5, 6, 9];

        var report = RankingMetrics.Evaluate(2, relevant, Recommend, catalogueSize: 10);

        Assert.Equal(2, report.Users);
        Assert.Equal(0.5, report.HitRate, 1e-12);    // user 1's hit is at rank 3, beyond k
        Assert.Equal(0.5, report.MeanAveragePrecision, 1e-12);
        Assert.Equal(3 / 10.0, report.Coverage, 1e-12); // items 4, 5, 6 appear in some top 2
    }
}
