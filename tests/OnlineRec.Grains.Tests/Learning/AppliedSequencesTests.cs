using OnlineRec.Grains.Learning;

namespace OnlineRec.Grains.Tests.Learning;

public sealed class AppliedSequencesTests
{
    [Fact]
    public void Round_trips_any_set_of_sequences_whatever_their_order_and_spacing()
    {
        long[] sequences = [900_000_001, 5, 6, 7, 1L << 40, 42, long.MaxValue, 0];
        var decoded = AppliedSequences.Decode(AppliedSequences.Encode(sequences));
        Assert.Equal(sequences.Order(), decoded.Order());
    }

    [Fact]
    public void Close_sequences_take_a_byte_each_after_the_first()
    {
        var sequences = Enumerable.Range(1_000_000, 200).Select(i => (long)i).ToArray();
        var encoded = AppliedSequences.Encode(sequences);
        Assert.Equal(3 + 199, encoded.Length); // 1,000,000 needs 3 bytes as a zigzag varint; each step of 1 one byte
        Assert.Empty(AppliedSequences.Encode([]));
        Assert.Empty(AppliedSequences.Decode([]));
    }

    [Fact]
    public void Bytes_that_end_inside_a_number_are_refused()
    {
        var encoded = AppliedSequences.Encode([1L << 40]);
        Assert.Throws<FormatException>(() => AppliedSequences.Decode(encoded.AsSpan(0, encoded.Length - 1)));
        Assert.Throws<FormatException>(() => AppliedSequences.Decode(Enumerable.Repeat((byte)0xFF, 11).ToArray()));
    }
}
