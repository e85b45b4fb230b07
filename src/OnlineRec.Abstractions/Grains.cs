using Orleans.Concurrency;

namespace OnlineRec.Abstractions;

/// <summary>
/// One user: bias, latent vector and the items it has rated. Drives every SGD step for its ratings
/// (it calls the item; items never call users, so there are no call cycles).
/// </summary>
[Alias("onlinerec.user")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Applies one SGD step per rating, in order; ratings already applied (by sequence) are skipped.</summary>
    [Alias("ApplyRatings")]
    Task ApplyRatings(RatingMessage[] ratings);

    [ReadOnly]
    [Alias("Predict")]
    Task<Prediction> Predict(string item);

    /// <summary>Predictions for many items, in the order given, each with the model version it was computed under.</summary>
    [ReadOnly]
    [Alias("PredictMany")]
    Task<PredictionAnswers> PredictMany(string[] items);

    /// <summary>The top <paramref name="count"/> items by predicted score, excluding items this user has rated.</summary>
    [ReadOnly]
    [Alias("Recommend")]
    Task<ScoredItem[]> Recommend(int count);

    [ReadOnly]
    [Alias("GetFactors")]
    Task<FactorRow> GetFactors();

    [ReadOnly]
    [Alias("GetRatedItems")]
    Task<string[]> GetRatedItems();
}

/// <summary>One item: bias and latent vector. Applies its half of each SGD step on request from a user grain.</summary>
[Alias("onlinerec.item")]
public interface IItemGrain : IGrainWithStringKey
{
    [Alias("Step")]
    Task<ItemStepResult> Step(ItemStepRequest request);

    [ReadOnly]
    [Alias("GetFactors")]
    Task<FactorRow> GetFactors();
}

/// <summary>
/// Consumes one partition of the <c>ratings</c> stream (implicit subscription) and hands each user its ratings.
/// Partitioning keeps stream messages large however the incoming ratings are spread over users.
/// </summary>
[Alias("onlinerec.rating-partition")]
public interface IRatingPartitionGrain : IGrainWithStringKey
{
}

/// <summary>The cluster's single ALS reconciler: periodic and on-demand global retrains, installed as new model versions.</summary>
[Alias("onlinerec.als-reconciler")]
public interface IAlsReconcilerGrain : IGrainWithIntegerKey
{
    /// <summary>Starts a retrain unless one is running. Returns false when one was already under way.</summary>
    [Alias("RequestRetrain")]
    Task<bool> RequestRetrain(string trigger);

    [AlwaysInterleave]
    [Alias("GetStatus")]
    Task<ModelStatus> GetStatus();

    /// <summary>Makes sure the reminder that drives periodic retrains is registered (idempotent; called at silo start).</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduled();
}
