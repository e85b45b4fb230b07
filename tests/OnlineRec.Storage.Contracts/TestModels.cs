using System.Runtime.InteropServices;
using OnlineRec.Core.Model;

namespace OnlineRec.Storage.Contracts;

/// <summary>Seeded models with awkward ids, and a bit-exact comparison.</summary>
public static class TestModels
{
    public static MfModel Random(int users, int items, int k, int seed = 5)
    {
        var random = new Random(seed);
        var model = new MfModel(k, new IdMap(Enumerable.Range(0, users).Select(u => $"user-{u}-ü")),
            new IdMap(Enumerable.Range(0, items).Select(i => $"item/{i}")), globalMean: 3.5290003f);
        model.InitializeRandom(random, 0.1f);
        for (var u = 0; u < users; u++) model.UserBias[u] = (float)random.NextGaussian();
        for (var i = 0; i < items; i++) model.ItemBias[i] = (float)random.NextGaussian();
        return model;
    }

    public static void AssertBitExact(MfModel expected, MfModel actual)
    {
        Assert.Equal(expected.Factors, actual.Factors);
        Assert.Equal(expected.Users.Ids.Take(expected.UserCount), actual.Users.Ids);
        Assert.Equal(expected.Items.Ids.Take(expected.ItemCount), actual.Items.Ids);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.GlobalMean), BitConverter.SingleToInt32Bits(actual.GlobalMean));
        AssertBits(expected.UserBias.AsSpan(0, expected.UserCount), actual.UserBias);
        AssertBits(expected.ItemBias.AsSpan(0, expected.ItemCount), actual.ItemBias);
        AssertBits(expected.UserFactors.AsSpan(0, expected.UserCount * expected.Factors), actual.UserFactors);
        AssertBits(expected.ItemFactors.AsSpan(0, expected.ItemCount * expected.Factors), actual.ItemFactors);
    }

    private static void AssertBits(ReadOnlySpan<float> expected, float[] actual) =>
        Assert.Equal(MemoryMarshal.Cast<float, int>(expected).ToArray(), MemoryMarshal.Cast<float, int>(actual.AsSpan()).ToArray());
}
