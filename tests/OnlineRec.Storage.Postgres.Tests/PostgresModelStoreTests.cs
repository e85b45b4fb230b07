using System.Runtime.InteropServices;
using OnlineRec.Core.Model;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.Postgres.Models;

namespace OnlineRec.Storage.Postgres.Tests;

public sealed class PostgresModelStoreTests
{
    private static MfModel RandomModel(int users, int items, int k, int seed = 5)
    {
        var random = new Random(seed);
        var model = new MfModel(k, new IdMap(Enumerable.Range(0, users).Select(u => $"user-{u}-ü")),
            new IdMap(Enumerable.Range(0, items).Select(i => $"item/{i}")), globalMean: 3.5290003f);
        model.InitializeRandom(random, 0.1f);
        for (var u = 0; u < users; u++) model.UserBias[u] = (float)random.NextGaussian();
        for (var i = 0; i < items; i++) model.ItemBias[i] = (float)random.NextGaussian();
        return model;
    }

    private static void AssertBitExact(MfModel expected, MfModel actual)
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

    [PostgresFact]
    public async Task A_snapshot_saved_by_one_instance_loads_bit_exactly_in_another()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var model = RandomModel(200, 80, 16);
        model.UserFactors[0] = -0.0f;
        model.ItemFactors[1] = float.Epsilon;
        var created = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_123);
        await using (var siloA = new PostgresModelStore(db.Options))
            await siloA.SaveAsync(new ModelSnapshot(3, created, 123_456, """{"lambda":0.05,"rmse":0.91}""", model));

        await using var siloB = new PostgresModelStore(db.Options);
        var loaded = await siloB.LoadLatestAsync();

        Assert.NotNull(loaded);
        Assert.Equal((3L, created, 123_456L, """{"lambda":0.05,"rmse":0.91}"""),
            (loaded.Version, loaded.CreatedAt, loaded.TrainedUpToSequence, loaded.MetadataJson));
        AssertBitExact(model, loaded.Model);
        var info = Assert.Single(await siloB.GetVersionsAsync());
        Assert.Equal(MfModelCodec.Encode(model).LongLength, info.PayloadBytes);
    }

    [PostgresFact]
    public async Task Only_the_newest_versions_are_kept_and_listed_newest_first()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var store = new PostgresModelStore(db.With(o => o.ModelVersionsToKeep = 3));
        Assert.Null(await store.LoadLatestAsync());
        for (var v = 1; v <= 5; v++)
            await store.SaveAsync(new ModelSnapshot(v, DateTimeOffset.UnixEpoch.AddDays(v), v * 100, "{}", RandomModel(3, 3, 2, seed: v)));

        var versions = await store.GetVersionsAsync();

        Assert.Equal([5L, 4L, 3L], versions.Select(v => v.Version));
        Assert.Equal(500, versions[0].TrainedUpToSequence);
        Assert.Equal((2, 3, 3), (versions[0].Factors, versions[0].UserCount, versions[0].ItemCount));
        Assert.Null(await store.LoadAsync(2));
        AssertBitExact(RandomModel(3, 3, 2, seed: 4), (await store.LoadAsync(4))!.Model);
        Assert.Equal(5, (await store.LoadLatestAsync())!.Version);
    }

    [PostgresFact]
    public async Task Saving_an_existing_version_again_is_refused_even_from_another_instance()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var siloA = new PostgresModelStore(db.Options);
        await using var siloB = new PostgresModelStore(db.Options);
        await siloA.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", RandomModel(2, 2, 2)));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            siloB.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", RandomModel(2, 2, 2, seed: 9))));
        AssertBitExact(RandomModel(2, 2, 2), (await siloB.LoadAsync(1))!.Model);
    }

    [PostgresFact]
    public async Task A_model_holding_NaN_is_never_stored()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var store = new PostgresModelStore(db.Options);
        var model = RandomModel(2, 2, 2);
        model.ItemFactors[1] = float.NaN;
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", model)));
        Assert.Null(await store.LoadLatestAsync());
    }
}
