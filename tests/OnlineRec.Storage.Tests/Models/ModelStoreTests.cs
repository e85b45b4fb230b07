using System.Runtime.InteropServices;
using OnlineRec.Core.Model;
using OnlineRec.Storage.Models;

namespace OnlineRec.Storage.Tests.Models;

public sealed class ModelStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static MfModel RandomModel(int users, int items, int k, int seed = 5)
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

    [Fact]
    public void Codec_round_trips_bit_exactly_including_edge_values()
    {
        var model = RandomModel(30, 20, 7);
        model.UserFactors[0] = -0.0f;
        model.UserFactors[1] = float.Epsilon;           // subnormal
        model.ItemFactors[2] = float.MaxValue;
        model.ItemBias[3] = 1e-38f;

        AssertBitExact(model, MfModelCodec.Decode(MfModelCodec.Encode(model)));
    }

    [Fact]
    public void Codec_drops_ids_that_never_got_rows_and_keeps_indices()
    {
        var model = RandomModel(5, 4, 3);
        model.Users.GetOrAdd("late-user"); // map ran ahead of EnsureCapacity

        var decoded = MfModelCodec.Decode(MfModelCodec.Encode(model));

        Assert.Equal(5, decoded.UserCount);
        Assert.Equal(-1, decoded.Users.IndexOf("late-user"));
        Assert.Equal(model.PredictRaw(4, 3), decoded.PredictRaw(4, 3));
    }

    [Fact]
    public void Codec_detects_a_flipped_byte()
    {
        var bytes = MfModelCodec.Encode(RandomModel(10, 10, 4));
        bytes[bytes.Length / 2] ^= 0x10;
        Assert.Throws<InvalidDataException>(() => MfModelCodec.Decode(bytes));
    }

    [Fact]
    public async Task Saved_snapshot_loads_back_bit_exactly_with_its_metadata()
    {
        var model = RandomModel(200, 80, 16);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_123);
        await using (var store = new SqliteModelStore(_dir.Options()))
            await store.SaveAsync(new ModelSnapshot(3, created, 123_456, """{"lambda":0.05,"rmse":0.91}""", model));

        await using var reopened = new SqliteModelStore(_dir.Options());
        var loaded = await reopened.LoadLatestAsync();

        Assert.NotNull(loaded);
        Assert.Equal((3L, created, 123_456L, """{"lambda":0.05,"rmse":0.91}"""),
            (loaded.Version, loaded.CreatedAt, loaded.TrainedUpToSequence, loaded.MetadataJson));
        AssertBitExact(model, loaded.Model);
    }

    [Fact]
    public async Task Only_the_newest_versions_are_kept_and_listed_newest_first()
    {
        await using var store = new SqliteModelStore(_dir.Options(o => o.ModelVersionsToKeep = 3));
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

    [Fact]
    public async Task Saving_an_existing_version_again_is_refused()
    {
        await using var store = new SqliteModelStore(_dir.Options());
        await store.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", RandomModel(2, 2, 2)));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", RandomModel(2, 2, 2))));
    }

    [Fact]
    public async Task A_model_holding_NaN_is_never_stored()
    {
        await using var store = new SqliteModelStore(_dir.Options());
        var model = RandomModel(2, 2, 2);
        model.ItemFactors[1] = float.NaN;
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", model)));
        Assert.Null(await store.LoadLatestAsync());
    }
}
