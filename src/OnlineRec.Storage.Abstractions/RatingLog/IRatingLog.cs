using OnlineRec.Core.Model;

namespace OnlineRec.Storage.RatingLog;

/// <summary>
/// The durable, sequence-numbered log of every accepted rating: the source of truth that grains catch up from and
/// that the reconciler retrains on. Sequence numbers start at 1, are strictly increasing, and contiguous within a batch.
/// </summary>
public interface IRatingLog : IAsyncDisposable
{
    /// <summary>
    /// Appends a batch atomically (all or nothing). When the task completes the batch is durable and may be
    /// acknowledged. A batch whose <paramref name="idempotencyKey"/> was already appended (within the retention
    /// window) is not stored again: the original sequences come back with <see cref="AppendResult.WasDuplicate"/> set.
    /// </summary>
    /// <exception cref="InvalidRatingBatchException">Some rating is invalid; nothing of the batch was stored.</exception>
    /// <exception cref="IdempotencyKeyConflictException">The key was used for a batch of a different size.</exception>
    Task<AppendResult> AppendAsync(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Ratings with afterSequence &lt; sequence ≤ upToSequence in sequence order, streamed page by page.</summary>
    IAsyncEnumerable<LoggedRating> ReadRangeAsync(long afterSequence, long upToSequence, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ratings with sequence ≤ <paramref name="upToSequence"/> (a sequence already committed, e.g. a retrain's snapshot)
    /// whose user (or item, by <see cref="RatingShard.Key"/>) falls in the shard, in sequence order. The log defines the
    /// partition: for a given shard count every id falls in exactly one shard, the same one on every call to this log.
    /// A sharded retrain reads each shard's ratings on the silo that solves it instead of the whole log in one place.
    /// </summary>
    IAsyncEnumerable<LoggedRating> ReadShardAsync(RatingShard shard, long upToSequence, CancellationToken cancellationToken = default);

    /// <summary>A user's ratings with sequence &gt; afterSequence, in sequence order (grain catch-up, rated items).</summary>
    IAsyncEnumerable<LoggedRating> ReadUserAsync(string user, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>An item's ratings with sequence &gt; afterSequence, in sequence order.</summary>
    IAsyncEnumerable<LoggedRating> ReadItemAsync(string item, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>The highest sequence ever assigned (0 for an empty log).</summary>
    Task<long> GetLastSequenceAsync(CancellationToken cancellationToken = default);

    /// <summary>Number of ratings stored.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts and mean, maintained incrementally on append (O(1) to read).</summary>
    Task<RatingLogStats> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets idempotency keys recorded before <paramref name="olderThan"/>; returns how many were removed.</summary>
    Task<int> PruneIdempotencyKeysAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);
}
