using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Core.Model;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite.GrainStorage;
using OnlineRec.Storage.Sqlite.Hosting;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace OnlineRec.Storage.Sqlite.Tests.GrainStorage;

public sealed class RegistrationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Named_provider_resolves_with_the_binary_serializer_by_default_and_works()
    {
        var services = new ServiceCollection().AddSerializer();
        services.AddSqliteGrainStorage("ratings-store", o => o.Configure(options => options.DataDirectory = _dir.Path));
        await using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredKeyedService<IGrainStorage>("ratings-store");
        var state = new GrainState<UserFactorsState>(new UserFactorsState { LastAppliedSequence = 12 });
        await storage.WriteStateAsync("factors", GrainId.Create("user", "x"), state);

        Assert.IsType<SqliteGrainStorage>(storage);
        Assert.Equal("1", state.ETag);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "grainstate.db")));
    }
}

public sealed class RatingStorageRegistrationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Log_and_model_store_resolve_as_singletons_on_the_configured_directory()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _dir.Path })
            .Build();
        var services = new ServiceCollection().AddOnlineRecSqliteStorage(configuration);
        await using var provider = services.BuildServiceProvider();

        var log = provider.GetRequiredService<IRatingLog>();
        Assert.Same(log, provider.GetRequiredService<IRatingLog>());
        await log.AppendAsync([new RatingEvent("u", "i", 4, 0)]);
        Assert.Null(await provider.GetRequiredService<IModelStore>().LoadLatestAsync());
        Assert.True(File.Exists(Path.Combine(_dir.Path, "ratings.db")));
    }
}
