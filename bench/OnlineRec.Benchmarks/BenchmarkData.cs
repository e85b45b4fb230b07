using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.Benchmarks;

/// <summary>Synthetic data with the shape of one MovieLens 100K training fold: 943 users × 1682 items, 80k ratings.</summary>
internal static class BenchmarkData
{
    /// <summary>
    /// MovieLens 100K <c>u1.base</c> when it is beside the repository (<c>../shared/data/ml-100k</c> from where the
    /// benchmark is started, or the directory in ONLINEREC_ML100K), else the ML-shaped synthetic fold with item choice
    /// leaning on taste. The data never enters the repository; the benchmark only reads it.
    /// </summary>
    public static (RatingDataset Data, string Source) U1BaseOrShapedFold()
    {
        var directory = Environment.GetEnvironmentVariable("ONLINEREC_ML100K") ?? Path.Combine("..", "shared", "data", "ml-100k");
        var path = Path.Combine(directory, "u1.base");
        if (File.Exists(path)) return (RatingFileReader.LoadDataset(path), Path.GetFullPath(path));
        var generated = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 943, Items = 1682, Ratings = 80_000, SelectionBias = 3, Seed = 42 });
        return (RatingDataset.FromEvents(generated.Events), "synthetic ML-100K-shaped fold (u1.base not found)");
    }

    public static RatingDataset MovieLensShapedFold(int seed = 42)
    {
        var generated = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 943, Items = 1682, Ratings = 80_000, Seed = seed });
        return RatingDataset.FromEvents(generated.Events);
    }
}
