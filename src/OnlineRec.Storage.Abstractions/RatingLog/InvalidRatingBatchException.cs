namespace OnlineRec.Storage.RatingLog;

/// <summary>A batch was refused before anything of it was stored.</summary>
public sealed class InvalidRatingBatchException : ArgumentException
{
    public InvalidRatingBatchException(int index, string reason)
        : base(index >= 0 ? $"Rating #{index} of the batch is invalid: {reason}. Nothing was stored." : $"Invalid rating batch: {reason}. Nothing was stored.")
    {
        Index = index;
        Reason = reason;
    }

    /// <summary>Position of the offending rating in the batch, or −1 when the batch as a whole is at fault.</summary>
    public int Index { get; }

    public string Reason { get; }
}
