using OnlineRec.Storage.Models;
using OnlineRec.Storage.Postgres.Models;

namespace OnlineRec.Storage.Postgres.Tests;

public sealed class PostgresModelStoreTests
{
    [PostgresFact]
    public async Task Saving_an_existing_version_again_is_refused_even_from_another_instance()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var siloA = new PostgresModelStore(db.Options);
        await using var siloB = new PostgresModelStore(db.Options);
        await siloA.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", TestModels.Random(2, 2, 2)));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            siloB.SaveAsync(new ModelSnapshot(1, DateTimeOffset.UnixEpoch, 0, "{}", TestModels.Random(2, 2, 2, seed: 9))));
        TestModels.AssertBitExact(TestModels.Random(2, 2, 2), (await siloB.LoadAsync(1))!.Model);
    }
}
