using Microsoft.Extensions.Logging;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Grains.Learning;

/// <summary>What every <see cref="UserLearner"/> of a silo shares: the live model's settings and the ports it learns through.</summary>
public sealed record UserLearnerServices(
    ModelOptions Options,
    IModelCatalog Models,
    IItemStepPort Items,
    IUserRatingHistory History,
    LearningProgress Progress,
    ILogger Logger);

/// <summary>The learners' ports on a silo: item steps are calls to the item grains, the history is the rating log.</summary>
internal sealed class SiloLearningPorts(GrainReferenceCache<IItemGrain> items, IRatingLog log) : IItemStepPort, IUserRatingHistory
{
    public Task<ItemStepResult> StepAsync(string item, ItemStepRequest request) => items.Get(item).Step(request);

    public IAsyncEnumerable<LoggedRating> ReadUserAsync(string user) => log.ReadUserAsync(user);
}
