using OnlineRec.Abstractions;
using Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace OnlineRec.Abstractions.Tests;

public sealed class RatingBatchTests
{
    private static readonly RatingMessage[] Ratings =
    [
        new(41, "u1", "i9", 4.5f, 881_250_949),
        new(42, "ü-2", new string('x', 40_000), 0.5f, 0),
        new(long.MaxValue, "u1", "i1", -1f, long.MaxValue),
    ];

    [Fact]
    public void Every_rating_survives_the_serializer_exactly()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<RatingBatch>(serializer.SerializeToArray(RatingBatch.Of(Ratings)));

        Assert.NotNull(copy);
        Assert.True(copy.IsWellFormed());
        Assert.Equal(Ratings.Length, copy.Count);
        for (var i = 0; i < Ratings.Length; i++)
        {
            Assert.Equal(Ratings[i], copy[i]);
            Assert.Equal(Ratings[i].User, copy.UserAt(i).ToString());
        }
    }

    [Fact]
    public void A_batch_whose_parts_disagree_is_not_well_formed()
    {
        var users = IdList.Of("u1", "u2");
        Assert.True(RatingBatch.FromParts(users, IdList.Of("i1", "i2"), new byte[2 * RatingBatch.NumbersSize]).IsWellFormed());
        Assert.False(RatingBatch.FromParts(users, IdList.Of("i1"), new byte[2 * RatingBatch.NumbersSize]).IsWellFormed());
        Assert.False(RatingBatch.FromParts(users, IdList.Of("i1", "i2"), new byte[2 * RatingBatch.NumbersSize + 1]).IsWellFormed());
        Assert.False(RatingBatch.FromParts(users, IdList.FromPacked("\u0005ab"), new byte[2 * RatingBatch.NumbersSize]).IsWellFormed());
    }
}
