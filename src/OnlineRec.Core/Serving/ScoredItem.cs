namespace OnlineRec.Core.Serving;

/// <summary>An item index with its score (predicted rating for top-K, cosine for similar items).</summary>
public readonly record struct ScoredItem(int Item, float Score);
