using OnlineRec.Storage.Models;

namespace OnlineRec.Storage.Contracts;

/// <summary>What every <see cref="IModelStore"/> must do. A storage's test class says how to open its store.</summary>
public abstract class ModelStoreContract
{
    /// <summary>A new instance over this test's (initially empty) store; a second call sees what the first saved.</summary>
    protected abstract IModelStore OpenStore(int? versionsToKeep = null);

    [ContractFact]
    public async Task A_snapshot_saved_by_one_instance_loads_bit_exactly_in_another()
    {
        var model = TestModels.Random(200, 80, 16);
        model.UserFactors[0] = -0.0f;
        model.ItemFactors[1] = float.Epsilon;
        var created = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_123);
        await using (var first = OpenStore())
            await first.SaveAsync(new ModelSnapshot(3, created, 123_456, """{"lambda":0.05,"rmse":0.91}""", model));

        await using var second = OpenStore();
        var loaded = await second.LoadLatestAsync();

        Assert.NotNull(loaded);
        Assert.Equal((3L, created, 123_456L, """{"lambda":0.05,"rmse":0.91}"""),
            (loaded.Version, loaded.CreatedAt, loaded.TrainedUpToSequence, loaded.MetadataJson));
        TestModels.AssertBitExact(model, loaded.Model);
        var info = Assert.Single(await second.GetVersionsAsync());
        Assert.Equal(MfModelCodec.Encode(model).LongLength, info.PayloadBytes);
    }

    [ContractFact]
    public async Task Only_the_newest_versions_are_kept_and_listed_newest_first()
    {
        await using var store = OpenStore(versionsToKeep: 3);
        Assert.Null(await store.LoadLatestAsync());
        for (var v = 1; v <= 5; v++)
            await store.SaveAsync(new ModelSnapshot(v, DateTimeOffset.UnixEpoch.AddDays(v), v * 100, "{}", TestModels.Random(3, 3, 2, seed: v)));

        var versions = await store.GetVersionsAsync();

        Assert.Equal([5L, 4L, 3L], versions.Select(v => v.Version));
        Assert.Equal(500, versions[0].TrainedUpToSequence);
        Assert.Equal((2, 3, 3), (versions[0].Factors, versions[0].UserCount, versions[0].ItemCount));
        Assert.Null(await store.LoadAsync(2));
        TestModels.AssertBitExact(TestModels.Random(3, 3, 2, seed: 4), (await store.LoadAsync(4))!.Model);
        Assert.Equal(5, (await store.LoadLatestAsync())!.Version);
    }

    [ContractFact]
    public async Task Saving_an_existing_version_again_is_refused_and_keeps_the_first()
    {
        await using var store = OpenStore();
        await store.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", TestModels.Random(2, 2, 2)));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", TestModels.Random(2, 2, 2, seed: 9))));
        TestModels.AssertBitExact(TestModels.Random(2, 2, 2), (await store.LoadAsync(1))!.Model);
    }

    [ContractFact]
    public async Task A_model_holding_NaN_is_never_stored()
    {
        await using var store = OpenStore();
        var model = TestModels.Random(2, 2, 2);
        model.ItemFactors[1] = float.NaN;

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", model)));
        Assert.Null(await store.LoadLatestAsync());
    }
}
