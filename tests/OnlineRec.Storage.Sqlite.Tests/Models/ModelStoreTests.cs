using OnlineRec.Core.Model;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.Sqlite.Models;

namespace OnlineRec.Storage.Sqlite.Tests.Models;

/// <summary>The shared model-store contract (<see cref="ModelStoreContract"/>) on SQLite, plus the codec.</summary>
public sealed class ModelStoreTests : ModelStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    protected override IModelStore OpenStore(int? versionsToKeep = null) =>
        new SqliteModelStore(_dir.Options(o => o.ModelVersionsToKeep = versionsToKeep ?? o.ModelVersionsToKeep));

    [Fact]
    public void Codec_round_trips_bit_exactly_including_edge_values()
    {
        var model = TestModels.Random(30, 20, 7);
        model.UserFactors[0] = -0.0f;
        model.UserFactors[1] = float.Epsilon;           // subnormal
        model.ItemFactors[2] = float.MaxValue;
        model.ItemBias[3] = 1e-38f;

        TestModels.AssertBitExact(model, MfModelCodec.Decode(MfModelCodec.Encode(model)));
    }

    [Fact]
    public void Codec_drops_ids_that_never_got_rows_and_keeps_indices()
    {
        var model = TestModels.Random(5, 4, 3);
        model.Users.GetOrAdd("late-user"); // map ran ahead of EnsureCapacity

        var decoded = MfModelCodec.Decode(MfModelCodec.Encode(model));

        Assert.Equal(5, decoded.UserCount);
        Assert.Equal(-1, decoded.Users.IndexOf("late-user"));
        Assert.Equal(model.PredictRaw(4, 3), decoded.PredictRaw(4, 3));
    }

    [Fact]
    public void Codec_detects_a_flipped_byte()
    {
        var bytes = MfModelCodec.Encode(TestModels.Random(10, 10, 4));
        bytes[bytes.Length / 2] ^= 0x10;
        Assert.Throws<InvalidDataException>(() => MfModelCodec.Decode(bytes));
    }

}
