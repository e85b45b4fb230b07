using System.Buffers.Binary;

namespace OnlineRec.Abstractions;

/// <summary>
/// (int, float) pairs in one little-endian byte block, 8 bytes each: how batched answers travel. The codec copies a
/// <c>byte[]</c> in one go, where an <c>int[]</c> and a <c>float[]</c> cost a codec call per element.
/// </summary>
internal static class PackedPairs
{
    public const int Size = 8;

    public static byte[] Allocate(int count) => new byte[checked(count * Size)];

    public static int Count(byte[] block) => block.Length / Size;

    public static void Write(Span<byte> block, int index, int key, float value)
    {
        var pair = block.Slice(index * Size, Size);
        BinaryPrimitives.WriteInt32LittleEndian(pair, key);
        BinaryPrimitives.WriteSingleLittleEndian(pair[4..], value);
    }

    public static int KeyAt(ReadOnlySpan<byte> block, int index) => BinaryPrimitives.ReadInt32LittleEndian(block.Slice(index * Size, 4));

    public static float ValueAt(ReadOnlySpan<byte> block, int index) => BinaryPrimitives.ReadSingleLittleEndian(block.Slice(index * Size + 4, 4));
}
