using OnlineRec.Abstractions;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Grains.Learning;

/// <summary>The item half of an SGD step: on a silo, a call to the item's grain (<see cref="IItemGrain.Step"/>).</summary>
public interface IItemStepPort
{
    Task<ItemStepResult> StepAsync(string item, ItemStepRequest request);
}

/// <summary>A user's logged ratings in sequence order: on a silo, <see cref="IRatingLog.ReadUserAsync"/>.</summary>
public interface IUserRatingHistory
{
    IAsyncEnumerable<LoggedRating> ReadUserAsync(string user);
}

/// <summary>What a <see cref="UserLearner"/> tells its host (the user grain).</summary>
public interface IUserLearnerListener
{
    /// <summary>The persisted state changed: write it behind.</summary>
    void StateChanged();

    /// <summary>A rating batch, catch-up or adoption completed: publish <see cref="UserLearner.Row"/> for reads.</summary>
    void RowChanged();
}
