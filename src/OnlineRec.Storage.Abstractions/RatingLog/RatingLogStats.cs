namespace OnlineRec.Storage.RatingLog;

/// <summary>Aggregate figures of the log; <see cref="MeanRating"/> is 0 for an empty log.</summary>
public sealed record RatingLogStats(long Count, long DistinctUsers, long DistinctItems, double MeanRating, long LastSequence);
