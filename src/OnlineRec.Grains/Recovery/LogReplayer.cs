using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Options;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Grains.Recovery;

/// <summary>What a replay did.</summary>
public sealed record ReplayReport(long AfterSequence, long UpToSequence, long Ratings, int Users, int FailedUsers);

/// <summary>
/// Re-delivers a range of the log to the user grains, straight from the log rather than through the stream. Safe to
/// run any number of times: a user applies a rating only if it has not applied that item's rating at that sequence
/// or later, so only ratings that were lost in transit cause SGD steps.
/// </summary>
public sealed class LogReplayer(IRatingLog log, IGrainFactory grains, IOptions<RecoveryOptions> options, ILogger<LogReplayer> logger)
{
    // Ratings read per round: bounds memory for long ranges while keeping user calls batched.
    private const int RoundSize = 50_000;

    public async Task<ReplayReport> ReplayAsync(long afterSequence, long upToSequence, CancellationToken cancellationToken = default)
    {
        long ratings = 0;
        var users = new HashSet<string>(StringComparer.Ordinal);
        var failed = 0;
        var round = new List<RatingMessage>(RoundSize);
        await foreach (var r in log.ReadRangeAsync(afterSequence, upToSequence, cancellationToken))
        {
            round.Add(new RatingMessage(r.Sequence, r.User, r.Item, r.Value, r.Timestamp));
            if (round.Count < RoundSize) continue;
            failed += await DeliverAsync(round, users, cancellationToken);
            ratings += round.Count;
            round.Clear();
        }
        failed += await DeliverAsync(round, users, cancellationToken);
        ratings += round.Count;
        return new ReplayReport(afterSequence, upToSequence, ratings, users.Count, failed);
    }

    private async Task<int> DeliverAsync(List<RatingMessage> round, HashSet<string> users, CancellationToken cancellationToken)
    {
        // Log order within each user, as the stream delivers them.
        var byUser = round.GroupBy(r => r.User, StringComparer.Ordinal).Select(g => (User: g.Key, Ratings: g.ToArray())).ToList();
        foreach (var (user, _) in byUser) users.Add(user);
        var failed = 0;
        await Parallel.ForEachAsync(byUser, new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, options.Value.UsersInFlight),
            CancellationToken = cancellationToken,
        }, async (entry, _) =>
        {
            try
            {
                await grains.GetGrain<IUserGrain>(entry.User).ApplyRatings(entry.Ratings);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The ratings stay in the log: the user re-reads it at its next activation, the model at the next retrain.
                Interlocked.Increment(ref failed);
                logger.LogWarning(ex, "Replay to user {User} failed; its ratings stay in the log.", entry.User);
            }
        });
        return failed;
    }
}
