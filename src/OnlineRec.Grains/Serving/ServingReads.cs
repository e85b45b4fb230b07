using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Grains.Options;

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

    public async Task<PredictionAnswers> PredictAsync(PredictionQuery query)
    {
        if (query.Users.Length != query.Items.Length) throw new ArgumentException("A prediction query needs as many items as users.");
        var n = query.Users.Length;
        var scores = new float[n];
        var versions = new int[n];
        var model = catalog.Current;
        Dictionary<string, List<int>>? viaGrain = null;
        for (var i = 0; i < n; i++)
        {
            var user = query.Users[i];
            if (TryGetCurrentRow(user, model, out var row))
            {
                scores[i] = PredictionFormula.Score(model.GlobalMean, row.Known, row.Bias, row.Vector, items, query.Items[i], _scale);
                versions[i] = row.ModelVersion;
                continue;
            }
            viaGrain ??= new Dictionary<string, List<int>>(StringComparer.Ordinal);
            if (!viaGrain.TryGetValue(user, out var rows)) viaGrain[user] = rows = [];
            rows.Add(i);
        }
        if (viaGrain is null) return new PredictionAnswers(scores, versions, []);

        // Rare in steady state (first touch of a user on this silo, or a model change): one grain call per pair keeps
        // the grain's own version in each answer.
        var failures = new List<QueryFailure>();
        await Task.WhenAll(viaGrain.SelectMany(entry => entry.Value.Select(async i =>
        {
            try
            {
                var answer = await grains.GetGrain<IUserGrain>(entry.Key).Predict(query.Items[i]);
                scores[i] = answer.Score;
                versions[i] = answer.ModelVersion;
            }
            catch (Exception ex)
            {
                lock (failures) failures.Add(new QueryFailure(i, ex.Message));
            }
        })));
        return new PredictionAnswers(scores, versions, [.. failures]);
    }

    public async Task<RecommendationLists> RecommendAsync(RecommendationQuery query)
    {
        if (query.Users.Length != query.Counts.Length) throw new ArgumentException("A recommendation query needs as many counts as users.");
        var n = query.Users.Length;
        var answers = new ScoredItem[n][];
        var model = catalog.Current;
        List<int>? viaGrain = null;
        for (var i = 0; i < n; i++)
        {
            var user = query.Users[i];
            var count = query.Counts[i];
            if (count <= 0)
            {
                answers[i] = [];
                continue;
            }
            if (!TryGetCurrentRow(user, model, out var row))
            {
                (viaGrain ??= []).Add(i);
                continue;
            }
            if (recommendations.TryGet(user, row, model.Version, count) is not { } top)
            {
                // The row carries everything the grain would use (vector, bias, rated items), so no grain hop.
                top = PredictionFormula.Recommend(model.GlobalMean, row.Known, row.Bias, row.Vector, row.Rated, count, items, _scale);
                recommendations.Store(user, row, model.Version, count, top);
            }
            answers[i] = top;
        }
        if (viaGrain is null) return new RecommendationLists(answers, []);

        var failures = new List<QueryFailure>();
        await Task.WhenAll(viaGrain.Select(async i =>
        {
            try
            {
                answers[i] = await grains.GetGrain<IUserGrain>(query.Users[i]).Recommend(query.Counts[i]);
            }
            catch (Exception ex)
            {
                answers[i] = [];
                lock (failures) failures.Add(new QueryFailure(i, ex.Message));
            }
        }));
        return new RecommendationLists(answers, [.. failures]);
    }

    private bool TryGetCurrentRow(string user, InstalledModel model, out UserRow row) =>
        users.TryGet(user, out row) && row.ModelVersion >= model.Version && row.Vector.Length == _factors;
}

/// <summary>Top lists of a batch, index for index (entries named in Failures are empty).</summary>
public sealed record RecommendationLists(ScoredItem[][] Items, QueryFailure[] Failures);
