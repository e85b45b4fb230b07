using Orleans.Concurrency;

namespace OnlineRec.Abstractions;

/// <summary>A rating as logged: the log's sequence number makes replays and catch-ups idempotent.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.rating")]
public sealed record RatingMessage(long Sequence, string User, string Item, float Value, long Timestamp);


/// <summary>
/// What a user grain sends an item grain for one SGD step: the user's OLD bias and vector, so both halves of the
/// step are computed from old values. The item answers with the error and ITS old bias/vector.
/// </summary>
[GenerateSerializer, Immutable, Alias("onlinerec.item-step")]
public sealed record ItemStepRequest(int ModelVersion, long Sequence, float Rating, float UserBias, float[] UserVector);

[GenerateSerializer, Alias("onlinerec.item-step-outcome")]
public enum ItemStepOutcome
{
    /// <summary>The item applied its half; the user must apply its own with the returned error and old item vector.</summary>
    Applied = 0,

    /// <summary>The step would have produced NaN or ∞ on either side; nothing changed anywhere.</summary>
    RejectedNonFinite = 1,

    /// <summary>The item already adopted a newer model version than the caller; the caller must adopt first and retry.</summary>
    StaleModelVersion = 2,
}

[GenerateSerializer, Immutable, Alias("onlinerec.item-step-result")]
public sealed record ItemStepResult(ItemStepOutcome Outcome, float Error, float OldItemBias, float[] OldItemVector, int ModelVersion);

/// <summary>A grain's learned parameters: bias, latent vector, how many ratings it has seen, under which model version.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.factor-row")]
public sealed record FactorRow(float Bias, float[] Vector, long RatingCount, int ModelVersion);

/// <summary>A predicted rating. A value type, like <see cref="ScoredItem"/>: answering a prediction allocates nothing per request.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.prediction")]
public readonly record struct Prediction(string User, string Item, float Score, int ModelVersion);

/// <summary>An item and its score. A value type: a top-10 answer is one array, not eleven objects.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.scored-item")]
public readonly record struct ScoredItem(string Item, float Score);

/// <summary>Outcome of one global retrain, as reported by <c>GET /model</c>.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.retrain-report")]
public sealed record RetrainReport(
    int Version,
    long SnapshotSequence,
    long Ratings,
    int Users,
    int Items,
    string Algorithm,
    double TrainSeconds,
    double TrainRmse,
    string Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string? Error);

[GenerateSerializer, Alias("onlinerec.reconciler-state")]
public enum ReconcilerStatus
{
    Idle = 0,
    Training = 1,
}

/// <summary>The model as the cluster sees it: installed version, log counts and the reconciler's state.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.model-status")]
public sealed record ModelStatus(int Version, long Ratings, long Users, long Items, ReconcilerStatus Status, RetrainReport? LastRetrain, float GlobalMean);

/// <summary>Many (user, item) predictions in one call: pair i is (Users[i], Items[i]).</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.prediction-query")]
public sealed record PredictionQuery(IdList Users, IdList Items)
{
    public PredictionQuery(string[] users, string[] items) : this(IdList.Of(users), IdList.Of(items))
    {
    }
}

/// <summary>Why entry <see cref="Index"/> of a batched query could not be answered; the other entries are valid.</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.query-failure")]
public sealed record QueryFailure(int Index, string Message);

/// <summary>
/// Answers to a <see cref="PredictionQuery"/>, index for index (entries named in Failures are not answers): (model
/// version, score) pairs packed like <see cref="RecommendationAnswers"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("onlinerec.prediction-answers")]
public sealed record PredictionAnswers(byte[] Entries, QueryFailure[] Failures)
{
    public int Count => PackedPairs.Count(Entries);

    public float ScoreAt(int index) => PackedPairs.ValueAt(Entries, index);

    public int ModelVersionAt(int index) => PackedPairs.KeyAt(Entries, index);

    /// <summary>A block for <paramref name="count"/> answers, filled in place with <see cref="SetEntry"/> (no staging arrays).</summary>
    public static byte[] NewEntries(int count) => PackedPairs.Allocate(count);

    public static void SetEntry(byte[] entries, int index, float score, int modelVersion) => PackedPairs.Write(entries, index, modelVersion, score);
}

/// <summary>Many users' top-N lists in one call: entry i asks Counts[i] items for Users[i].</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.recommendation-query")]
public sealed record RecommendationQuery(IdList Users, int[] Counts)
{
    public RecommendationQuery(string[] users, int[] counts) : this(IdList.Of(users), counts)
    {
    }
}

/// <summary>
/// Answers to a <see cref="RecommendationQuery"/>, index for index (entries named in Failures are empty), packed for
/// the wire: top lists of concurrent users overlap heavily, so each distinct item id travels once per batch
/// (<see cref="ItemIds"/>), and list entries are (reference, score) pairs in one little-endian byte block
/// (<see cref="Entries"/>, see <see cref="PackedPairs"/>). List i occupies entries Offsets[i] .. Offsets[i + 1] − 1.
/// </summary>
[GenerateSerializer, Immutable, Alias("onlinerec.recommendation-answers")]
public sealed record RecommendationAnswers(string[] ItemIds, int[] Offsets, byte[] Entries, QueryFailure[] Failures)
{
    public int Count => Offsets.Length - 1;

    public static RecommendationAnswers Pack(IReadOnlyList<ScoredItem[]> lists, QueryFailure[] failures)
    {
        var offsets = new int[lists.Count + 1];
        for (var i = 0; i < lists.Count; i++) offsets[i + 1] = offsets[i] + lists[i].Length;
        var entries = PackedPairs.Allocate(offsets[^1]);
        var ids = t_distinct ??= new Dictionary<string, int>(ReferenceEqualityComparer.Instance);
        try
        {
            var position = 0;
            foreach (var list in lists)
                foreach (var scored in list)
                {
                    if (!ids.TryGetValue(scored.Item, out var id)) ids[scored.Item] = id = ids.Count;
                    PackedPairs.Write(entries, position++, id, scored.Score);
                }
            var table = new string[ids.Count];
            foreach (var (item, id) in ids) table[id] = item;
            return new RecommendationAnswers(table, offsets, entries, failures);
        }
        finally
        {
            ids.Clear();
        }
    }

    // Reused per thread (a batch packs thousands of entries). Ids are compared by reference: lists served from one
    // replica share its id strings, so equal ids are the same object; a missed duplicate only travels twice.
    [ThreadStatic]
    private static Dictionary<string, int>? t_distinct;

    /// <summary>List <paramref name="index"/>, checked against the id table (a peer's answer is not trusted blindly).</summary>
    public ScoredItem[] ListAt(int index)
    {
        var start = Offsets[index];
        var end = Offsets[index + 1];
        if (start < 0 || end < start || end > PackedPairs.Count(Entries))
            throw new InvalidDataException($"Recommendation answer {index} lies outside the packed entries.");
        var list = new ScoredItem[end - start];
        for (var j = 0; j < list.Length; j++)
        {
            var id = PackedPairs.KeyAt(Entries, start + j);
            if ((uint)id >= (uint)ItemIds.Length) throw new InvalidDataException($"Recommendation answer {index} names item #{id} of {ItemIds.Length}.");
            list[j] = new ScoredItem(ItemIds[id], PackedPairs.ValueAt(Entries, start + j));
        }
        return list;
    }
}


