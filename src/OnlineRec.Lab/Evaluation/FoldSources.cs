using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.Lab.Evaluation;

/// <summary>Where the train/test folds of an evaluation come from.</summary>
public interface IFoldSource
{
    /// <summary>Short dataset name for reports, e.g. "ml-100k".</summary>
    string Name { get; }

    /// <summary>One line for humans: what the data is.</summary>
    string Description { get; }

    /// <summary>The scale predictions are clamped to before scoring.</summary>
    RatingScale Scale { get; }

    DatasetSplit Load(string fold);
}

/// <summary>The official MovieLens 100K folds (u1..u5, ua, ub) from a directory; <paramref name="scale"/> overrides 1–5 stars.</summary>
public sealed class MovieLensFoldSource(string directory, RatingScale? scale = null) : IFoldSource
{
    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    public string Description => $"MovieLens folds in {Path.GetFullPath(directory)}";

    public RatingScale Scale => scale ?? RatingScale.OneToFive;

    public DatasetSplit Load(string fold)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Data directory '{directory}' does not exist.");
        return MovieLensFolds.Load(directory, fold, new RatingReadOptions { Scale = Scale });
    }
}

/// <summary>
/// Built-in synthetic data (the seeded generator's MovieLens-like defaults) cut into five disjoint parts;
/// fold uN tests on part N and trains on the other four, mirroring MovieLens' u1..u5.
/// </summary>
public sealed class SyntheticFoldSource : IFoldSource
{
    private const int Parts = 5;
    private readonly SyntheticDataset _data;
    private readonly int[] _partOf;

    private readonly RatingScale? _scale;

    /// <param name="options">The generator's shape (its seed is replaced by <paramref name="seed"/>); MovieLens-like defaults when null.</param>
    public SyntheticFoldSource(int seed = 42, RatingScale? scale = null, SyntheticRatingsOptions? options = null)
    {
        _scale = scale;
        _data = SyntheticRatings.Generate((options ?? new SyntheticRatingsOptions()) with { Seed = seed });
        var random = new Random(seed);
        _partOf = new int[_data.Events.Length];
        for (var e = 0; e < _partOf.Length; e++) _partOf[e] = random.Next(Parts);
    }

    public string Name => "synthetic";

    public string Description
    {
        get
        {
            var o = _data.Options;
            return $"synthetic: {o.Users} users × {o.Items} items, {o.Ratings} ratings, rank {o.Rank}, σ={o.NoiseStd} " +
                   $"(a perfect model scores RMSE {_data.NoiseFloorRmse:F4})";
        }
    }

    public RatingScale Scale => _scale ?? _data.Options.Scale ?? RatingScale.OneToFive;

    public DatasetSplit Load(string fold)
    {
        if (fold.Length != 2 || fold[0] != 'u' || fold[1] is < '1' or > '5')
            throw new ArgumentException($"Synthetic data has folds u1..u5, not '{fold}'.");
        var part = fold[1] - '1';
        var train = new List<RatingEvent>();
        var test = new List<RatingEvent>();
        for (var e = 0; e < _data.Events.Length; e++) (_partOf[e] == part ? test : train).Add(_data.Events[e]);
        return new EventSplit([.. train], [.. test]).ToDatasets();
    }
}
