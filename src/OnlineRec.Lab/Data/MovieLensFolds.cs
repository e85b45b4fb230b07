using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>A training set and a test set whose ids are mapped onto the training set's indices (−1 = unseen).</summary>
public sealed record DatasetSplit(RatingDataset Train, RatingDataset Test);

/// <summary>
/// The predefined MovieLens 100K splits: <c>u1</c>…<c>u5</c> (5-fold, 80k/20k) and <c>ua</c>/<c>ub</c>
/// (10 ratings per user held out), each as <c>&lt;fold&gt;.base</c> + <c>&lt;fold&gt;.test</c> in one directory.
/// </summary>
public static class MovieLensFolds
{
    public static IReadOnlyList<string> FiveFold { get; } = ["u1", "u2", "u3", "u4", "u5"];
    public static IReadOnlyList<string> All { get; } = ["u1", "u2", "u3", "u4", "u5", "ua", "ub"];

    /// <summary>Loads fold <paramref name="fold"/> (e.g. "u1") from <paramref name="directory"/>.</summary>
    public static DatasetSplit Load(string directory, string fold, RatingReadOptions? options = null)
    {
        if (!All.Contains(fold)) throw new ArgumentException($"Unknown MovieLens fold '{fold}'; expected one of {string.Join(", ", All)}.", nameof(fold));
        var train = RatingFileReader.LoadDataset(Path.Combine(directory, fold + ".base"), options);
        var testEvents = RatingFileReader.ReadAll(Path.Combine(directory, fold + ".test"), options);
        return new DatasetSplit(train, RatingDataset.MapOnto(testEvents, train.Users, train.Items));
    }
}
