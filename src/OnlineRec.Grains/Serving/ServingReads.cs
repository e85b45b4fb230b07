using System.Buffers;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using CacheHints = OnlineRec.Core.Serving.CacheHints;
using IIdSource = OnlineRec.Core.Serving.IIdSource;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// Every prediction and recommendation the silo serves — the serving grain's batches (the .NET client), the REST
/// handlers' single pairs and batches, and the user grain's own answers — is computed here, from a user's published
/// <see cref="UserRow"/> and this silo's <see cref="ItemFactorIndex"/> (top lists through <see cref="RecommendationCache"/>).
/// A user is answered from this silo's <see cref="UserFactorReplica"/> only when its grain is active here and has
/// adopted the installed model version; every other user is asked through its grain (which activates, adopts the
/// version, publishes its row and answers from that row with this same code), so an answer never reflects less than
/// the user's last completed rating batch. Failures are reported per entry: one bad user does not fail its batch
/// neighbours.
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

    /// <summary>One pair, read straight from the strings (no batch is built).</summary>
    public ValueTask<Prediction> PredictAsync(string user, string item)
    {
        var model = catalog.Current;
        return users.TryGet(user, out var row) && IsCurrent(row, model)
            ? new ValueTask<Prediction>(PredictFromRow(row, model, user, item))
            : new ValueTask<Prediction>(grains.GetGrain<IUserGrain>(user).Predict(item));
    }

    /// <summary>A batch as it arrives over the wire (ids packed), pair i being (Users[i], Items[i]).</summary>
    public Task<PredictionAnswers> PredictAsync(PredictionQuery query)
    {
        if (!query.Users.IsWellFormed() || !query.Items.IsWellFormed()) throw new ArgumentException("A prediction query's id lists are malformed.");
        if (query.Users.Count != query.Items.Count) throw new ArgumentException("A prediction query needs as many items as users.");
        return PredictAsync(new IdListSource(query.Users), new IdListSource(query.Items));
    }

    /// <summary>A batch whose ids are strings (a REST request), pair i being (users[i], items[i]).</summary>
    public Task<PredictionAnswers> PredictAsync(IReadOnlyList<string> users, IReadOnlyList<string> items)
    {
        if (users.Count != items.Count) throw new ArgumentException("A prediction batch needs as many items as users.");
        return PredictAsync(new StringIdSource(users), new StringIdSource(items));
    }

    private Task<PredictionAnswers> PredictAsync<TUsers, TItems>(TUsers userIds, TItems itemIds)
        where TUsers : IIdSource
        where TItems : IIdSource
    {
        var n = userIds.Count;
        var entries = PredictionAnswers.NewEntries(n);
        var model = catalog.Current;
        List<(int Index, string User, string Item)>? viaGrain = null;
        var rows = ArrayPool<UserRow?>.Shared.Rent(n);
        var itemRows = ArrayPool<int>.Shared.Rent(n);
        try
        {
            LookUpCurrentRows(userIds, model, rows, scratch: itemRows); // then the items' rows overwrite it
            var found = items.LookUp(itemIds, itemRows);
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
                    (viaGrain ??= []).Add((i, userIds[i].ToString(), itemIds[i].ToString()));
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
            : PredictViaGrainsAsync(viaGrain, entries);
    }

    // Rare in steady state on one silo (first touch of a user, or a model change); the usual path for users whose
    // grain lives on another silo. One call per distinct user; each answer carries the grain's own version.
    private async Task<PredictionAnswers> PredictViaGrainsAsync(List<(int Index, string User, string Item)> viaGrain, byte[] entries)
    {
        var failures = new List<QueryFailure>();
        await Task.WhenAll(viaGrain.GroupBy(pair => pair.User, StringComparer.Ordinal).Select(async user =>
        {
            var pairs = user.ToArray();
            try
            {
                var answers = await grains.GetGrain<IUserGrain>(user.Key).PredictMany(pairs.Select(pair => pair.Item).ToArray());
                if (answers.Count != pairs.Length) throw new InvalidDataException($"The user grain answered {answers.Count} of {pairs.Length} predictions.");
                for (var j = 0; j < pairs.Length; j++)
                    PredictionAnswers.SetEntry(entries, pairs[j].Index, answers.ScoreAt(j), answers.ModelVersionAt(j)); // distinct entries: no lock
            }
            catch (Exception ex)
            {
                lock (failures) failures.AddRange(pairs.Select(pair => new QueryFailure(pair.Index, ex.Message)));
            }
        }));
        failures.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return new PredictionAnswers(entries, [.. failures]);
    }

    /// <summary>One user's top list (no batch is built).</summary>
    public ValueTask<ScoredItem[]> RecommendAsync(string user, int count)
    {
        if (count <= 0) return new ValueTask<ScoredItem[]>([]);
        var model = catalog.Current;
        return users.TryGet(user, out var row) && IsCurrent(row, model)
            ? new ValueTask<ScoredItem[]>(RecommendFromRow(row, model, count))
            : new ValueTask<ScoredItem[]>(grains.GetGrain<IUserGrain>(user).Recommend(count));
    }

    /// <summary>A batch as it arrives over the wire: entry i asks Counts[i] items for Users[i].</summary>
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
            LookUpCurrentRows(new IdListSource(query.Users), model, rows, scratch);
            for (var i = 0; i < n; i++)
            {
                var count = query.Counts[i];
                if (count <= 0) answers[i] = [];
                else if (rows[i] is { } row) answers[i] = RecommendFromRow(row, model, count);
                else (viaGrain ??= []).Add(i);
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
    public Prediction PredictFromRow(UserRow row, string user, string item) => PredictFromRow(row, catalog.Current, user, item);

    /// <summary>The user grain's own answers for many items, in the order given.</summary>
    public PredictionAnswers PredictFromRow(UserRow row, string[] itemIds)
    {
        var model = catalog.Current;
        var entries = PredictionAnswers.NewEntries(itemIds.Length);
        for (var i = 0; i < itemIds.Length; i++) PredictionAnswers.SetEntry(entries, i, Score(row, model, itemIds[i]), row.ModelVersion);
        return new PredictionAnswers(entries, []);
    }

    /// <summary>The user grain's own top list, from the row it just published.</summary>
    public ScoredItem[] RecommendFromRow(UserRow row, int count) => count <= 0 ? [] : RecommendFromRow(row, catalog.Current, count);

    private Prediction PredictFromRow(UserRow row, InstalledModel model, string user, string item) =>
        new(user, item, Score(row, model, item), row.ModelVersion);

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
    /// instead of queueing.
    /// </summary>
    private void LookUpCurrentRows<TIds>(TIds ids, InstalledModel model, UserRow?[] rows, int[] scratch) where TIds : IIdSource
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
