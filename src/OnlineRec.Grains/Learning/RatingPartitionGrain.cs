using Microsoft.Extensions.Logging;
using OnlineRec.Abstractions;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// Consumes one partition of the rating stream and forwards each user its ratings, users in parallel, each user's
/// ratings in log order. Stateless: the log is the source of truth, and user grains skip what they already applied.
/// </summary>
[ImplicitStreamSubscription(StreamNames.RatingsNamespace)]
public sealed class RatingPartitionGrain(ILogger<RatingPartitionGrain> logger)
    : Grain, IRatingPartitionGrain, IStreamSubscriptionObserver, IAsyncObserver<RatingBatch>
{
    private const int Attempts = 3;
    private GrainReferenceCache<IUserGrain>? _users;

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<RatingBatch>().ResumeAsync(this);

    public async Task OnNextAsync(RatingBatch batch, StreamSequenceToken? token = null)
    {
        var byUser = new Dictionary<string, List<RatingMessage>>(StringComparer.Ordinal);
        foreach (var rating in batch.Ratings)
        {
            if (!byUser.TryGetValue(rating.User, out var list)) byUser[rating.User] = list = [];
            list.Add(rating);
        }
        var deliveries = new Task[byUser.Count];
        var i = 0;
        foreach (var (user, ratings) in byUser) deliveries[i++] = DeliverAsync(user, ratings.ToArray());
        await Task.WhenAll(deliveries);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        logger.LogError(ex, "Rating stream partition {Partition} reported an error.", this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    // Re-delivery is safe (user grains skip applied sequences); after the last attempt the ratings stay in the log and
    // reach the user at its next activation or the next retrain.
    private async Task DeliverAsync(string user, RatingMessage[] ratings)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _users ??= new GrainReferenceCache<IUserGrain>(GrainFactory);
                await _users.Get(user).ApplyRatings(ratings);
                return;
            }
            catch (Exception ex) when (attempt < Attempts)
            {
                logger.LogDebug(ex, "Delivering {Count} ratings to user {User} failed (attempt {Attempt}); retrying.", ratings.Length, user, attempt);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not deliver {Count} ratings to user {User}; they stay in the log.", ratings.Length, user);
                return;
            }
        }
    }
}
