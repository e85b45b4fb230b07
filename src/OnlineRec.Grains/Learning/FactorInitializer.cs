using OnlineRec.Abstractions;
using OnlineRec.Core.Model;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// Initial vectors for users and items no retrain has seen: N(0, σ²) seeded by a stable hash of the id, so the same
/// id gets the same vector on any silo and after any restart (replays then reproduce the same trajectory).
/// </summary>
public static class FactorInitializer
{
    public static float[] Create(string kind, string id, int factors, float std)
    {
        var vector = new float[factors];
        if (std <= 0) return vector;
        var random = new Random((int)StreamNames.StableHash(kind + ":" + id));
        for (var i = 0; i < factors; i++) vector[i] = (float)(random.NextGaussian() * std);
        return vector;
    }
}
