using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Storage.Sqlite.GrainStorage;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OnlineRec.Storage.Sqlite.Tests.GrainStorage;

[GenerateSerializer, Alias("OnlineRec.Storage.Sqlite.Tests.UserFactorsState")]
public sealed class UserFactorsState
{
    [Id(0)] public float Bias { get; set; }
    [Id(1)] public float[] Factors { get; set; } = [];
    [Id(2)] public List<string> RatedItems { get; set; } = [];
    [Id(3)] public long LastAppliedSequence { get; set; }
}

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    private SqliteGrainStorage Open(string serviceId = "svc") => new("test",
        new SqliteGrainStorageOptions
        {
            DataDirectory = _dir.Path,
            GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
        },
        serviceId, _services.GetRequiredService<IActivatorProvider>());

    private static readonly GrainId Alice = GrainId.Create("user", "alice");

    private static UserFactorsState SampleState(long seq) => new()
    {
        Bias = -0.25f, Factors = [0.1f, -0.0f, float.Epsilon, 3e38f], RatedItems = ["i1", "i2"], LastAppliedSequence = seq,
    };

    [Fact]
    public async Task Written_state_reads_back_with_its_etag_after_reopen()
    {
        var written = new GrainState<UserFactorsState>(SampleState(41));
        await using (var storage = Open())
            await storage.WriteStateAsync("factors", Alice, written);

        await using var reopened = Open();
        var read = new GrainState<UserFactorsState>(new UserFactorsState());
        await reopened.ReadStateAsync("factors", Alice, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(41, read.State!.LastAppliedSequence);
        Assert.Equal(written.State!.Factors, read.State!.Factors);
        Assert.Equal(["i1", "i2"], read.State!.RatedItems);
    }

    [Fact]
    public async Task Missing_state_reads_as_no_record_with_a_fresh_default()
    {
        await using var storage = Open();
        var read = new GrainState<UserFactorsState>(SampleState(9));
        await storage.ReadStateAsync("factors", Alice, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State!.LastAppliedSequence);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_throws_and_leaves_the_stored_state_alone()
    {
        await using var storage = Open();
        var first = new GrainState<UserFactorsState>(SampleState(1));
        await storage.WriteStateAsync("factors", Alice, first);
        var stale = new GrainState<UserFactorsState>(SampleState(2)) { ETag = first.ETag };
        await storage.WriteStateAsync("factors", Alice, first);          // first moves on; stale keeps the old ETag

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("factors", Alice, stale));

        var read = new GrainState<UserFactorsState>(new UserFactorsState());
        await storage.ReadStateAsync("factors", Alice, read);
        Assert.Equal(1, read.State!.LastAppliedSequence);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_claiming_no_record_throws_when_one_exists()
    {
        await using var storage = Open();
        await storage.WriteStateAsync("factors", Alice, new GrainState<UserFactorsState>(SampleState(1)));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("factors", Alice, new GrainState<UserFactorsState>(SampleState(2))));
    }

    [Fact]
    public async Task Clear_checks_the_etag_and_a_stale_writer_cannot_resurrect_cleared_state()
    {
        await using var storage = Open();
        var owner = new GrainState<UserFactorsState>(SampleState(1));
        await storage.WriteStateAsync("factors", Alice, owner);
        var staleEtag = owner.ETag;

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.ClearStateAsync("factors", Alice, new GrainState<UserFactorsState>(new UserFactorsState()) { ETag = "999" }));
        await storage.ClearStateAsync("factors", Alice, owner);
        Assert.False(owner.RecordExists);

        var read = new GrainState<UserFactorsState>(SampleState(5));
        await storage.ReadStateAsync("factors", Alice, read);
        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State!.LastAppliedSequence);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("factors", Alice, new GrainState<UserFactorsState>(SampleState(7)) { ETag = staleEtag }));
        read.State = SampleState(8);
        await storage.WriteStateAsync("factors", Alice, read);          // the reader of the tombstone may write
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task States_are_separated_by_service_state_name_and_grain()
    {
        await using (var storage = Open("svc-a"))
        {
            await storage.WriteStateAsync("factors", Alice, new GrainState<UserFactorsState>(SampleState(1)));
            await storage.WriteStateAsync("other", Alice, new GrainState<UserFactorsState>(SampleState(2)));
            await storage.WriteStateAsync("factors", GrainId.Create("user", "bob"), new GrainState<UserFactorsState>(SampleState(3)));
        }
        await using var otherService = Open("svc-b");
        var read = new GrainState<UserFactorsState>(new UserFactorsState());
        await otherService.ReadStateAsync("factors", Alice, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Many_concurrent_grain_writes_all_commit_with_their_own_etags()
    {
        await using var storage = Open();
        var states = Enumerable.Range(0, 300)
            .Select(i => (id: GrainId.Create("user", $"u{i}"), state: new GrainState<UserFactorsState>(SampleState(i)))).ToArray();

        for (var round = 0; round < 3; round++)
            await Task.WhenAll(states.Select(s => Task.Run(() => storage.WriteStateAsync("factors", s.id, s.state))));

        foreach (var (id, state) in states)
        {
            var read = new GrainState<UserFactorsState>(new UserFactorsState());
            await storage.ReadStateAsync("factors", id, read);
            Assert.Equal(("3", state.State!.LastAppliedSequence), (read.ETag, read.State!.LastAppliedSequence));
        }
    }
}
