using System.Buffers;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using CacheHints = OnlineRec.Core.Serving.CacheHints;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// Batched predictions and recommendations answered from this silo's replicas (<see cref="UserFactorReplica"/>,
/// <see cref="ItemFactorIndex"/>, <see cref="RecommendationCache"/>). A user is answered locally only when its grain
/// is active here and has adopted the installed model version; every other user is asked through its grain (which
/// activates it, adopts the version and publishes its row), so an answer never reflects less than the user's last
/// completed rating batch. Failures are reported per entry: one bad user does not fail its batch neighbours.
/// </summary>
public sealed class ServingReads(
    UserFactorReplica users,
    ItemFactorIndex items,
    ModelCatalog catalog,
    RecommendationCache recommendations,
    IGrainFactory grains,
    IOptions<ModelOptions> modelOptions)
{
    private readonly RatingScale _scale = modelOptions.Value.ParsedScale();
    private readonly int _factors = modelOptions.Value.Factors;

    public Task<PredictionAnswers> PredictAsync(PredictionQuery query)
    {
        if (!query.Users.IsWellFormed() || !query.Items.IsWellFormed()) throw new ArgumentException("A prediction query's id lists are malformed.");
        if (query.Users.Count != query.Items.Count) throw new ArgumentException("A prediction query needs as many items as users.");
        var n = query.Users.Count;
        var entries = PredictionAnswers.NewEntries(n);
        var model = catalog.Current;
        List<int>? viaGrain = null;
        var rows = ArrayPool<UserRow?>.Shared.Rent(n);
        var itemRows = ArrayPool<int>.Shared.Rent(n);
        try
        {
            LookUpCurrentRows(query.Users, model, rows, scratch: itemRows); // then the items' rows overwrite it
            var found = items.LookUp(query.Items, itemRows);
            for (var i = 0; i < n; i++)
            {
                if (rows[i] is { } row)
                {
                    var item = itemRows[i];
                    var score = item >= 0
                        ? PredictionFormula.Score(model.GlobalMean, row.Known, row.Bias, row.Vector, true, found.BiasAt(item), found.VectorAt(item), _scale)
                        : PredictionFormula.Score(model.GlobalMean, row.Known, row.Bias, row.Vector, false, 0f, [], _scale);
                    PredictionAnswers.SetEntry(entries, i, score, row.ModelVersion);
                }
                else
                {
                    (viaGrain ??= []).Add(i);
                }
            }
        }
        finally
        {
            Release(rows, n);
            ArrayPool<int>.Shared.Return(itemRows);
        }
        return viaGrain is null
            ? Task.FromResult(new PredictionAnswers(entries, []))
            : PredictViaGrainsAsync(query, viaGrain, entries);
    }

    // Rare in steady state (first touch of a user on this silo, or a model change): one grain call per pair keeps the
    // grain's own version in each answer.
    private async Task<PredictionAnswers> PredictViaGrainsAsync(PredictionQuery query, List<int> viaGrain, byte[] entries)
    {
        var failures = new List<QueryFailure>();
        await Task.WhenAll(viaGrain.Select(async i =>
        {
            try
            {
                var answer = await grains.GetGrain<IUserGrain>(query.Users.IdAt(i)).Predict(query.Items.IdAt(i));
                PredictionAnswers.SetEntry(entries, i, answer.Score, answer.ModelVersion); // distinct entries: no lock
            }
            catch (Exception ex)
            {
                lock (failures) failures.Add(new QueryFailure(i, ex.Message));
            }
        }));
        return new PredictionAnswers(entries, [.. failures]);
    }

    public Task<RecommendationLists> RecommendAsync(RecommendationQuery query)
    {
        if (!query.Users.IsWellFormed()) throw new ArgumentException("A recommendation query's id list is malformed.");
        if (query.Users.Count != query.Counts.Length) throw new ArgumentException("A recommendation query needs as many counts as users.");
        var n = query.Users.Count;
        var answers = new ScoredItem[n][];
        var model = catalog.Current;
        List<int>? viaGrain = null;
        var rows = ArrayPool<UserRow?>.Shared.Rent(n);
        var scratch = ArrayPool<int>.Shared.Rent(n);
        try
        {
            LookUpCurrentRows(query.Users, model, rows, scratch); // (see PredictAsync)
            for (var i = 0; i < n; i++)
            {
                var count = query.Counts[i];
                if (count <= 0)
                {
                    answers[i] = [];
                    continue;
                }
                if (rows[i] is not { } row)
                {
                    (viaGrain ??= []).Add(i);
                    continue;
                }
                answers[i] = RecommendFromRow(row, model, count);
            }
        }
        finally
        {
            Release(rows, n);
            ArrayPool<int>.Shared.Return(scratch);
        }
        return viaGrain is null
            ? Task.FromResult(new RecommendationLists(answers, []))
            : RecommendViaGrainsAsync(query, viaGrain, answers);
    }

    private async Task<RecommendationLists> RecommendViaGrainsAsync(RecommendationQuery query, List<int> viaGrain, ScoredItem[][] answers)
    {
        var failures = new List<QueryFailure>();
        await Task.WhenAll(viaGrain.Select(async i =>
        {
            try
            {
                answers[i] = await grains.GetGrain<IUserGrain>(query.Users.IdAt(i)).Recommend(query.Counts[i]);
            }
            catch (Exception ex)
            {
                answers[i] = [];
                lock (failures) failures.Add(new QueryFailure(i, ex.Message));
            }
        }));
        return new RecommendationLists(answers, [.. failures]);
    }

    /// <summary>The user grain's own answer, from the row it just published (so it equals what the replica serves).</summary>
    public Prediction PredictFromRow(UserRow row, string user, string item) =>
        new(user, item, Score(row, catalog.Current, item), row.ModelVersion);

    /// <summary>The user grain's own scores for many items, in the order given.</summary>
    public float[] PredictFromRow(UserRow row, string[] itemIds)
    {
        var model = catalog.Current;
        var scores = new float[itemIds.Length];
        for (var i = 0; i < itemIds.Length; i++) scores[i] = Score(row, model, itemIds[i]);
        return scores;
    }

    /// <summary>The user grain's own top list, from the row it just published.</summary>
    public ScoredItem[] RecommendFromRow(UserRow row, int count) => count <= 0 ? [] : RecommendFromRow(row, catalog.Current, count);

    private float Score(UserRow row, InstalledModel model, string item) =>
        PredictionFormula.Score(model.GlobalMean, row.Known, row.Bias, row.Vector, items, item, _scale);

    private ScoredItem[] RecommendFromRow(UserRow row, InstalledModel model, int count)
    {
        var itemGeneration = items.Generation;
        if (recommendations.TryGet(row, model.Version, itemGeneration, count) is { } cached) return cached;
        // The row carries everything the grain would use (vector, bias, rated items), so no grain hop.
        var top = PredictionFormula.Recommend(model.GlobalMean, row.Known, row.Bias, row.Vector, row.Rated, count, items, _scale);
        recommendations.Store(row, model.Version, itemGeneration, count, top);
        return top;
    }

    /// <summary>
    /// Each user's row when it may answer locally (else null), in passes rather than one user at a time: a batch's
    /// users are scattered over memory, and each is a chain of dependent loads (slot, key, row, vector). The replica
    /// hashes every id and prefetches its slot, then every slot's key, then compares and prefetches every row; this
    /// pass checks the versions and prefetches every vector for the scoring pass. So consecutive users' misses overlap
    /// instead of queueing (BENCHMARKS.md, sessions 9 and 12).
    /// </summary>
    private void LookUpCurrentRows(IdList ids, InstalledModel model, UserRow?[] rows, int[] scratch)
    {
        var n = ids.Count;
        users.LookUp(ids, scratch, rows);
        for (var i = 0; i < n; i++)
        {
            if (rows[i] is not { } row) continue;
            if (IsCurrent(row, model)) CacheHints.PrefetchLines(row.Vector);
            else rows[i] = null;
        }
    }

    private static void Release(UserRow?[] rows, int used)
    {
        Array.Clear(rows, 0, used); // the pool must not keep rows (and their vectors) alive
        ArrayPool<UserRow?>.Shared.Return(rows);
    }

    private bool IsCurrent(UserRow row, InstalledModel model) => row.ModelVersion >= model.Version && row.Vector.Length == _factors;
}

/// <summary>Top lists of a batch, index for index (entries named in Failures are empty).</summary>
public sealed record RecommendationLists(ScoredItem[][] Items, QueryFailure[] Failures);
