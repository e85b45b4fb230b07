namespace OnlineRec.Core.Model;

/// <summary>One rating as it arrives from the outside world: external ids, a value and a Unix timestamp (seconds).</summary>
public readonly record struct RatingEvent(string User, string Item, float Value, long Timestamp);

/// <summary>One rating in a training set: dense user and item indices into a <see cref="RatingDataset"/>'s maps.</summary>
public readonly record struct Rating(int User, int Item, float Value);
