using OnlineRec.Core.Model;

namespace OnlineRec.Storage.RatingLog;

/// <summary>A rating as stored in the log, with the sequence number the log assigned to it.</summary>
public readonly record struct LoggedRating(long Sequence, string User, string Item, float Value, long Timestamp)
{
    public RatingEvent ToEvent() => new(User, Item, Value, Timestamp);
}
