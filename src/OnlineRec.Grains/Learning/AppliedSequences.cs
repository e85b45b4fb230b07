namespace OnlineRec.Grains.Learning;

/// <summary>
/// The log sequences of the ratings a user's vector includes beyond its model version's snapshot, in the compact form
/// the user's state persists: sorted, each as the zigzag varint of its difference to the previous one. A difference
/// below 64 takes one byte (ratings of one batch), below 8,192 two, below 2²⁰ three (other users' ratings in between).
/// The items and values are not kept: the log has them.
/// </summary>
public static class AppliedSequences
{
    public static byte[] Encode(IEnumerable<long> sequences)
    {
        var sorted = sequences.ToArray();
        if (sorted.Length == 0) return [];
        Array.Sort(sorted);
        var buffer = new byte[sorted.Length * 10]; // a varint of a 64-bit value is at most 10 bytes
        var length = 0;
        long previous = 0;
        foreach (var sequence in sorted)
        {
            var delta = sequence - previous;
            var zigzag = (ulong)((delta << 1) ^ (delta >> 63));
            while (zigzag >= 0x80)
            {
                buffer[length++] = (byte)(zigzag | 0x80);
                zigzag >>= 7;
            }
            buffer[length++] = (byte)zigzag;
            previous = sequence;
        }
        return buffer.AsSpan(0, length).ToArray();
    }

    /// <exception cref="FormatException">The bytes end inside a number or hold one longer than 64 bits.</exception>
    /// <returns>The sequences in ascending order.</returns>
    public static List<long> Decode(ReadOnlySpan<byte> encoded)
    {
        var result = new List<long>(encoded.Length);
        long previous = 0;
        var i = 0;
        while (i < encoded.Length)
        {
            ulong zigzag = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (i >= encoded.Length || shift > 63) throw new FormatException("Truncated or overlong sequence number.");
                var b = encoded[i++];
                zigzag |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) break;
            }
            previous += (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            result.Add(previous);
        }
        return result;
    }
}
