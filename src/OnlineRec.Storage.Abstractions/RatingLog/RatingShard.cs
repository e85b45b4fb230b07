namespace OnlineRec.Storage.RatingLog;

/// <summary>Which id a rating is sharded by.</summary>
public enum ShardKey
{
    User = 0,
    Item = 1,
}

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> of the log's ratings, by user or by item.</summary>
public readonly record struct RatingShard(ShardKey Key, int Index, int Count)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Count, 1, nameof(Count));
        if (Index < 0 || Index >= Count) throw new ArgumentOutOfRangeException(nameof(Index), Index, $"Must be in [0, {Count}).");
    }

    /// <summary>The id the shard is decided by.</summary>
    public string IdOf(in LoggedRating rating) => Key == ShardKey.User ? rating.User : rating.Item;
}
