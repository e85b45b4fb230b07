using System.Diagnostics;
using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;
using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Implicit;
using OnlineRec.Lab.Data;

namespace OnlineRec.Lab.Evaluation;

/// <summary>What the ranking comparison trains and how it scores lists.</summary>
public sealed record RankingEvaluationSettings
{
    /// <summary>Length of every list (the k of P@k, NDCG@k, ...).</summary>
    public int ListLength { get; init; } = 10;

    /// <summary>The stricter relevance: held-out items rated at least this (the looser one is any held-out item).</summary>
    public float RelevantAt { get; init; } = 4f;

    /// <summary>The ranking model (implicit ALS).</summary>
    public ImplicitOptions Ranking { get; init; } = new();

    /// <summary>The rating model as the platform trains it (biased ALS), ranked by predicted rating.</summary>
    public AlsOptions Rating { get; init; } = new();

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ListLength, 1, nameof(ListLength));
        if (!float.IsFinite(RelevantAt)) throw new ArgumentOutOfRangeException(nameof(RelevantAt), RelevantAt, "Must be finite.");
        Ranking.Validate();
        Rating.Validate();
    }
}

/// <summary>One model's lists on one split: relevance = any held-out item, and = held-out items rated ≥ the threshold.</summary>
public sealed record ModelRanking(string Model, RankingReport Any, RankingReport AtLeast, double TrainSeconds);

/// <summary>Every model's lists on one split (a fold, or the leave-last-out split).</summary>
public sealed record RankingSplitResult(string Split, int TrainRatings, int TestUsers, IReadOnlyList<ModelRanking> Models);

/// <summary>What <c>evaluate --task ranking --json</c> writes: per protocol, every split and the means.</summary>
public sealed record RankingEvaluationReport(string Dataset, string Parameters, IReadOnlyList<RankingSplitResult> Folds, RankingSplitResult? LeaveLastOut)
{
    /// <summary>Per model, the mean of each metric over the folds (users weigh within a fold, folds weigh equally).</summary>
    public IReadOnlyList<ModelRanking> FoldMeans => Folds.Count == 0 ? [] : Folds[0].Models.Select((m, n) => new ModelRanking(m.Model,
        Mean(Folds.Select(f => f.Models[n].Any)), Mean(Folds.Select(f => f.Models[n].AtLeast)), Folds.Average(f => f.Models[n].TrainSeconds))).ToList();

    private static RankingReport Mean(IEnumerable<RankingReport> reports)
    {
        var r = reports.ToList();
        return new RankingReport(r[0].K, r.Sum(x => x.Users), r.Average(x => x.Precision), r.Average(x => x.Recall), r.Average(x => x.Ndcg),
            r.Average(x => x.MeanAveragePrecision), r.Average(x => x.HitRate), r.Average(x => x.Coverage));
    }
}

/// <summary>
/// Offline top-N quality of the platform's models side by side, measured as <c>../shared/tools/ranking.py</c> measures
/// the live platform: train on a split's training part, then for every test user with held-out items a top-k list that
/// excludes what the user has in training; relevant = the user's held-out items (any rating), and separately those
/// rated ≥ <see cref="RankingEvaluationSettings.RelevantAt"/>. Models: the most popular items by training count
/// (ranking.py's baseline), the ranking model's own time-decayed popularity (what a user with no events is shown),
/// the rating model ranked by predicted rating (what the platform served before the ranking model), and the ranking
/// model (implicit ALS). Held-out items the training part never saw stay relevant (no model can list them), as in
/// ranking.py; held-out users it never saw are not scored.
/// </summary>
public sealed class RankingProtocol(RankingEvaluationSettings settings)
{
    public const string Popularity = "popularity";
    public const string RecentPopularity = "popularity, time-decayed";
    public const string RatingModel = "rating model (ALS)";
    public const string RankingModel = "ranking model (implicit ALS)";

    public RankingEvaluationSettings Settings { get; } = settings;

    /// <summary>Trains and scores every model on each fold of <paramref name="source"/>.</summary>
    public IReadOnlyList<RankingSplitResult> RunFolds(IFoldSource source, IReadOnlyList<string> folds, Action<RankingSplitResult>? onFold = null)
    {
        Settings.Validate();
        var results = new List<RankingSplitResult>(folds.Count);
        foreach (var fold in folds)
        {
            var result = Evaluate(fold, source.Load(fold));
            results.Add(result);
            onFold?.Invoke(result);
        }
        return results;
    }

    /// <summary>
    /// Leave-last-out in time order: each user's latest event (by timestamp, ties by position) is held out, the rest
    /// trains every model, and each list is scored on that one item (HR@k, NDCG@k; users with one event are not scored).
    /// </summary>
    public RankingSplitResult RunLeaveLastOut(IReadOnlyList<RatingEvent> events)
    {
        Settings.Validate();
        return Evaluate("leave-last-out", RatingSplits.LastPerUser(events, perUser: 1).ToDatasets());
    }

    /// <summary>Trains every model on <paramref name="split"/>'s training part and scores its lists on the test part.</summary>
    public RankingSplitResult Evaluate(string name, DatasetSplit split)
    {
        var train = split.Train;
        var (relevantAny, relevantAtLeast) = Relevant(split);
        var candidates = Train(train);
        var k = Settings.ListLength;
        var buffer = new ScoredItem[k];
        var list = new List<int>(k);
        var rows = new List<ModelRanking>(candidates.Count);
        foreach (var candidate in candidates)
        {
            var any = new RankingAccumulator<int>(k, train.Items.Count);
            var atLeast = new RankingAccumulator<int>(k);
            foreach (var (user, relevant) in relevantAny)
            {
                var count = candidate.Recommend(user, Seen(train, user), buffer);
                list.Clear();
                for (var n = 0; n < count; n++) list.Add(buffer[n].Item);
                any.Add(list, relevant);
                if (relevantAtLeast.TryGetValue(user, out var liked)) atLeast.Add(list, liked);
            }
            rows.Add(new ModelRanking(candidate.Name, any.Result, atLeast.Result, candidate.TrainSeconds));
        }
        return new RankingSplitResult(name, train.Count, relevantAny.Count, rows);
    }

    /// <summary>One line naming every model's settings, for report headers.</summary>
    public string Describe()
    {
        var r = Settings.Ranking;
        var a = Settings.Rating;
        var weight = r.Interactions.RatingWeight switch
        {
            RatingWeightFunction.Binary => "1 per rating",
            RatingWeightFunction.Value => "the rating",
            _ => $"rating − {r.Interactions.RatingThreshold} when above",
        };
        var solver = r.Solver == ImplicitSolver.Cholesky ? "Cholesky" : $"CG×{r.CgSteps}";
        return $"ranking: implicit ALS k={r.Factors} α={r.Alpha} λ={r.Lambda} sweeps={r.Sweeps} {solver}, w = {weight}; " +
               $"popularity half-life {r.Interactions.PopularityHalfLifeDays} d; rating: ALS k={a.Factors} iterations={a.Iterations} λ={a.FactorLambda}·√n; " +
               $"top {Settings.ListLength}, relevant = any held-out item / rated ≥ {Settings.RelevantAt}";
    }

    private delegate int TopN(int user, ReadOnlySpan<int> seen, Span<ScoredItem> destination);

    private sealed record Candidate(string Name, double TrainSeconds, TopN Recommend);

    private List<Candidate> Train(RatingDataset train)
    {
        var clock = Stopwatch.StartNew();
        var counts = new double[train.Items.Count];
        for (var i = 0; i < counts.Length; i++) counts[i] = train.ByItem.RowLength(i);
        var popular = new ItemPopularity(counts, 0, 0);
        var popularSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var rating = new AlsTrainer(Settings.Rating).Train(train);
        var ratingSeconds = clock.Elapsed.TotalSeconds;
        var ratingScanner = TopKScanner.FromModel(rating);

        clock.Restart();
        var interactions = InteractionDataset.FromRatings(train, Settings.Ranking.Interactions);
        var interactionSeconds = clock.Elapsed.TotalSeconds;
        var ranking = new ImplicitTrainer(Settings.Ranking).Train(interactions);
        var rankingSeconds = clock.Elapsed.TotalSeconds;
        var rankingScanner = new TopKScanner(ranking.ItemFactors, null, ranking.ItemCount, ranking.Factors);

        return
        [
            new(Popularity, popularSeconds, (_, seen, destination) => popular.TopK(seen, destination)),
            new(RecentPopularity, interactionSeconds, (_, seen, destination) => ranking.Popularity.TopK(seen, destination)),
            new(RatingModel, ratingSeconds, (user, seen, destination) => ratingScanner.TopKForUser(rating, user, seen, destination)),
            new(RankingModel, rankingSeconds, (user, seen, destination) => rankingScanner.TopK(ranking.UserVector(user), 0f, seen, destination)),
        ];
    }

    private static ReadOnlySpan<int> Seen(RatingDataset train, int user) =>
        user < train.ByUser.RowCount ? train.ByUser.RowColumns(user) : [];

    // Per known test user, the held-out items not already in their training part; each held-out rating of an item the
    // training part never saw is a distinct relevant item (a negative id no list can contain).
    private (SortedDictionary<int, IReadOnlySet<int>> Any, Dictionary<int, IReadOnlySet<int>> AtLeast) Relevant(DatasetSplit split)
    {
        var any = new SortedDictionary<int, HashSet<int>>();
        var atLeast = new Dictionary<int, HashSet<int>>();
        var unseenItem = -1;
        var train = split.Train;
        foreach (var r in split.Test.Ratings)
        {
            if (r.User < 0) continue;
            var item = r.Item >= 0 ? r.Item : --unseenItem;
            if (item >= 0 && Seen(train, r.User).Contains(item)) continue;
            Add(any, r.User, item);
            if (r.Value >= Settings.RelevantAt) Add(atLeast, r.User, item);
        }
        return (new SortedDictionary<int, IReadOnlySet<int>>(any.ToDictionary(p => p.Key, p => (IReadOnlySet<int>)p.Value)),
            atLeast.ToDictionary(p => p.Key, p => (IReadOnlySet<int>)p.Value));
    }

    private static void Add(IDictionary<int, HashSet<int>> sets, int user, int item)
    {
        if (!sets.TryGetValue(user, out var set)) sets[user] = set = [];
        set.Add(item);
    }
}
