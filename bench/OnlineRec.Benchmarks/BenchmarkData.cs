using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.Benchmarks;

/// <summary>Synthetic data with the shape of one MovieLens 100K training fold: 943 users × 1682 items, 80k ratings.</summary>
internal static class BenchmarkData
{
    public static RatingDataset MovieLensShapedFold(int seed = 42)
    {
        var generated = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 943, Items = 1682, Ratings = 80_000, Seed = seed });
        return RatingDataset.FromEvents(generated.Events);
    }
}
