using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;

namespace OnlineRec.Core.Evaluation;

/// <summary>
/// Mean top-K quality over the users that have at least one relevant held-out item: precision, recall, NDCG, mean
/// average precision and hit rate, plus catalogue coverage (the share of the catalogue that appears in any user's
/// top K; NaN when the catalogue size is not known).
/// </summary>
public readonly record struct RankingReport(int K, int Users, double Precision, double Recall, double Ndcg,
    double MeanAveragePrecision = 0, double HitRate = 0, double Coverage = double.NaN)
{
    public override string ToString() =>
        $"P@{K} {Precision:F4}  R@{K} {Recall:F4}  NDCG@{K} {Ndcg:F4}  MAP@{K} {MeanAveragePrecision:F4}  HR@{K} {HitRate:F4}  " +
        $"coverage {Coverage:P1}  (users = {Users})";
}

/// <summary>
/// Sums per-user top-K metrics as lists are scored, and remembers which items were recommended (for coverage).
/// Users without relevant items are skipped; a user with no recommendations scores 0.
/// </summary>
public sealed class RankingAccumulator<TItem>(int k, int catalogueSize = 0) where TItem : notnull
{
    private readonly HashSet<TItem> _recommended = [];
    private double _precision, _recall, _ndcg, _averagePrecision, _hits;
    private int _users;

    public int K { get; } = k > 0 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "Must be ≥ 1.");

    public void Add(IReadOnlyList<TItem> recommended, IReadOnlySet<TItem> relevant)
    {
        for (var rank = 0; rank < Math.Min(K, recommended.Count); rank++) _recommended.Add(recommended[rank]);
        if (relevant.Count == 0) return;
        _precision += RankingMetrics.PrecisionAt(K, recommended, relevant);
        _recall += RankingMetrics.RecallAt(K, recommended, relevant);
        _ndcg += RankingMetrics.NdcgAt(K, recommended, relevant);
        _averagePrecision += RankingMetrics.AveragePrecisionAt(K, recommended, relevant);
        _hits += RankingMetrics.HitAt(K, recommended, relevant);
        _users++;
    }

    public RankingReport Result
    {
        get
        {
            var coverage = catalogueSize > 0 ? (double)_recommended.Count / catalogueSize : double.NaN;
            if (_users == 0) return new RankingReport(K, 0, 0, 0, 0, 0, 0, coverage);
            return new RankingReport(K, _users, _precision / _users, _recall / _users, _ndcg / _users,
                _averagePrecision / _users, _hits / _users, coverage);
        }
    }
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
    /// Average precision at k: the precision at each rank that holds a relevant item, summed over the first k ranks
    /// and divided by min(k, |relevant|), so a list with every possible hit on top scores 1.
    /// </summary>
    public static double AveragePrecisionAt<T>(int k, IReadOnlyList<T> recommended, IReadOnlySet<T> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        RequireRelevant(relevant);
        double sum = 0;
        var hits = 0;
        for (var rank = 0; rank < Math.Min(k, recommended.Count); rank++)
        {
            if (!relevant.Contains(recommended[rank])) continue;
            hits++;
            sum += (double)hits / (rank + 1);
        }
        return sum / Math.Min(k, relevant.Count);
    }

    /// <summary>1 when any of the first k recommendations is relevant, else 0 (averaged: the hit rate).</summary>
    public static double HitAt<T>(int k, IReadOnlyList<T> recommended, IReadOnlySet<T> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return Hits(k, recommended, relevant) > 0 ? 1 : 0;
    }

    /// <summary>
    /// Averages the metrics over users. <paramref name="relevant"/> maps each user to its held-out relevant items;
    /// users with none are skipped, and a user with no recommendations scores 0. Coverage is over
    /// <paramref name="catalogueSize"/> items when given.
    /// </summary>
    public static RankingReport Evaluate<TUser, TItem>(int k, IReadOnlyDictionary<TUser, IReadOnlySet<TItem>> relevant,
        Func<TUser, IReadOnlyList<TItem>> recommend, int catalogueSize = 0) where TItem : notnull
    {
        var accumulator = new RankingAccumulator<TItem>(k, catalogueSize);
        foreach (var (user, items) in relevant)
            if (items.Count > 0) accumulator.Add(recommend(user), items);
        return accumulator.Result;
    }

    /// <summary>
    /// Ranking quality on a test set mapped onto the training indices: an item is relevant when rated ≥
    /// <paramref name="relevanceThreshold"/>. Unseen users and items (index −1) are left out since no model
    /// trained without them can rank them. <paramref name="recommend"/>(user, k) should exclude training items.
    /// </summary>
    public static RankingReport Evaluate(RatingDataset test, int k, float relevanceThreshold, Func<int, int, IReadOnlyList<int>> recommend) =>
        Evaluate(k, RelevantItems(test, relevanceThreshold), user => recommend(user, k), test.Items.Count);

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
