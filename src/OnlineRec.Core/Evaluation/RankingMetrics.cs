using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;

namespace OnlineRec.Core.Evaluation;

/// <summary>Mean top-K quality over the users that have at least one relevant held-out item.</summary>
public readonly record struct RankingReport(int K, int Users, double Precision, double Recall, double Ndcg)
{
    public override string ToString() =>
        $"P@{K} {Precision:F4}  R@{K} {Recall:F4}  NDCG@{K} {Ndcg:F4}  (users = {Users})";
}

/// <summary>
/// Binary-relevance ranking metrics. Only the first k recommendations count; precision divides by k even when
/// fewer are given (a short list is not rewarded). NDCG uses gain 1 and discount 1/log₂(rank + 1), normalised by
/// the ideal list of min(k, |relevant|) hits.
/// </summary>
public static class RankingMetrics
{
    public static double PrecisionAt<T>(int k, IReadOnlyList<T> recommended, IReadOnlySet<T> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return (double)Hits(k, recommended, relevant) / k;
    }

    public static double RecallAt<T>(int k, IReadOnlyList<T> recommended, IReadOnlySet<T> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        RequireRelevant(relevant);
        return (double)Hits(k, recommended, relevant) / relevant.Count;
    }

    public static double NdcgAt<T>(int k, IReadOnlyList<T> recommended, IReadOnlySet<T> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        RequireRelevant(relevant);
        double dcg = 0;
        var n = Math.Min(k, recommended.Count);
        for (var rank = 0; rank < n; rank++)
            if (relevant.Contains(recommended[rank])) dcg += Discount(rank);
        double ideal = 0;
        for (var rank = 0; rank < Math.Min(k, relevant.Count); rank++) ideal += Discount(rank);
        return dcg / ideal;
    }

    /// <summary>
    /// Averages the metrics over users. <paramref name="relevant"/> maps each user to its held-out relevant items;
    /// users with none are skipped, and a user with no recommendations scores 0.
    /// </summary>
    public static RankingReport Evaluate<TUser, TItem>(int k, IReadOnlyDictionary<TUser, IReadOnlySet<TItem>> relevant,
        Func<TUser, IReadOnlyList<TItem>> recommend)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        double precision = 0, recall = 0, ndcg = 0;
        var users = 0;
        foreach (var (user, items) in relevant)
        {
            if (items.Count == 0) continue;
            var list = recommend(user);
            precision += PrecisionAt(k, list, items);
            recall += RecallAt(k, list, items);
            ndcg += NdcgAt(k, list, items);
            users++;
        }
        return users == 0 ? new RankingReport(k, 0, 0, 0, 0) : new RankingReport(k, users, precision / users, recall / users, ndcg / users);
    }

    /// <summary>
    /// Ranking quality on a test set mapped onto the training indices: an item is relevant when rated ≥
    /// <paramref name="relevanceThreshold"/>. Unseen users and items (index −1) are left out since no model
    /// trained without them can rank them. <paramref name="recommend"/>(user, k) should exclude training items.
    /// </summary>
    public static RankingReport Evaluate(RatingDataset test, int k, float relevanceThreshold, Func<int, int, IReadOnlyList<int>> recommend) =>
        Evaluate(k, RelevantItems(test, relevanceThreshold), user => recommend(user, k));

    /// <summary>
    /// Ranking quality of <paramref name="model"/> (trained on <paramref name="train"/>, sharing its id maps) on
    /// <paramref name="test"/> mapped onto those maps: each user's top-k over all items, excluding items the user
    /// rated in training, scored by μ + b_u + b_i + p_u·q_i.
    /// </summary>
    public static RankingReport Evaluate(RatingDataset train, RatingDataset test, MfModel model, int k, float relevanceThreshold)
    {
        var scanner = TopKScanner.FromModel(model);
        var byUser = train.ByUser;
        var buffer = new ScoredItem[k];
        return Evaluate(test, k, relevanceThreshold, (user, top) =>
        {
            var rated = user < byUser.RowCount ? byUser.RowColumns(user) : [];
            var count = user < model.UserCount
                ? scanner.TopKForUser(model, user, rated, buffer.AsSpan(0, top))
                : scanner.TopK([], 0f, rated, buffer.AsSpan(0, top));
            var items = new int[count];
            for (var i = 0; i < count; i++) items[i] = buffer[i].Item;
            return items;
        });
    }

    /// <summary>Per user, the held-out items rated at least <paramref name="relevanceThreshold"/> (known ids only).</summary>
    public static Dictionary<int, IReadOnlySet<int>> RelevantItems(RatingDataset test, float relevanceThreshold)
    {
        var sets = new Dictionary<int, HashSet<int>>();
        foreach (var r in test.Ratings)
        {
            if (r.User < 0 || r.Item < 0 || r.Value < relevanceThreshold) continue;
            if (!sets.TryGetValue(r.User, out var set)) sets[r.User] = set = [];
            set.Add(r.Item);
        }
        return sets.ToDictionary(p => p.Key, p => (IReadOnlySet<int>)p.Value);
    }

    private static int Hits<T>(int k, IReadOnlyList<T> recommended, IReadOnlySet<T> relevant)
    {
        var hits = 0;
        var n = Math.Min(k, recommended.Count);
        for (var rank = 0; rank < n; rank++)
            if (relevant.Contains(recommended[rank])) hits++;
        return hits;
    }

    private static double Discount(int zeroBasedRank) => 1.0 / Math.Log2(zeroBasedRank + 2);

    private static void RequireRelevant<T>(IReadOnlySet<T> relevant)
    {
        if (relevant.Count == 0) throw new ArgumentException("Recall and NDCG are undefined without relevant items.", nameof(relevant));
    }
}
