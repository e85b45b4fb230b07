namespace OnlineRec.Storage.RatingLog;

/// <summary>An idempotency key came back with a batch that cannot be the one first stored under it.</summary>
public sealed class IdempotencyKeyConflictException(string key, long storedCount, int newCount)
    : InvalidOperationException($"Idempotency key '{key}' was used for a batch of {storedCount} ratings; this batch has {newCount}.")
{
    public string Key { get; } = key;
}
