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
        if (!batch.IsWellFormed())
        {
            logger.LogError("Partition {Partition} received a malformed rating batch; its ratings stay in the log.", this.GetPrimaryKeyString());
            return;
        }
        // Grouped by the user's id as a span: one string per distinct user, shared by that user's messages.
        var byUser = new Dictionary<string, List<RatingMessage>>(StringComparer.Ordinal);
        var lookup = byUser.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i < batch.Count; i++)
        {
            var userSpan = batch.UserAt(i);
            if (!lookup.TryGetValue(userSpan, out var user, out var list))
            {
                user = userSpan.ToString();
                byUser[user] = list = [];
            }
            list.Add(batch.MessageAt(i, user));
        }
        var deliveries = new Task[byUser.Count];
        var d = 0;
        foreach (var (user, ratings) in byUser) deliveries[d++] = DeliverAsync(user, ratings.ToArray());
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
