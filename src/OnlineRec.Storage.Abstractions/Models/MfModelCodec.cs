using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using OnlineRec.Core.Model;

namespace OnlineRec.Storage.Models;

/// <summary>
/// Versioned, compact binary form of an <see cref="MfModel"/>; floats are stored as their raw IEEE-754 bits, so a
/// round trip is bit-exact. Layout (little-endian):
/// <code>
/// "ORMF" | u16 format=1 | u16 reserved | i32 k | i32 users | i32 items | f32 μ
/// | users × (i32 utf8Length, bytes) | items × (i32 utf8Length, bytes)
/// | f32 userBias[users] | f32 itemBias[items] | f32 userFactors[users·k] | f32 itemFactors[items·k]
/// | SHA-256 of everything before it (32 bytes)
/// </code>
/// Only rows with factor storage are written (the first <see cref="MfModel.UserCount"/> ids): ids an id map gained
/// after its last <see cref="MfModel.EnsureCapacity"/> were never trained and are dropped, which keeps indices valid.
/// The digest catches silent corruption (SQLite pages carry no checksum) before a damaged model is ever served.
/// </summary>
public static class MfModelCodec
{
    public const ushort FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "ORMF"u8;
    private const int HeaderSize = 4 + 2 + 2 + 4 + 4 + 4 + 4;
    private const int DigestSize = 32;

    public static byte[] Encode(MfModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        EnsureLittleEndian();
        int k = model.Factors, users = model.UserCount, items = model.ItemCount;
        var size = (long)HeaderSize + IdsSize(model.Users, users) + IdsSize(model.Items, items)
                   + 4L * (users + items + (long)users * k + (long)items * k) + DigestSize;
        if (size > Array.MaxLength) throw new NotSupportedException($"Model of {size} bytes is too large for one buffer.");

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], k);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], users);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], items);
        BinaryPrimitives.WriteSingleLittleEndian(span[20..], model.GlobalMean);
        var at = HeaderSize;
        at = WriteIds(span, at, model.Users, users);
        at = WriteIds(span, at, model.Items, items);
        at = WriteFloats(span, at, model.UserBias.AsSpan(0, users));
        at = WriteFloats(span, at, model.ItemBias.AsSpan(0, items));
        at = WriteFloats(span, at, model.UserFactors.AsSpan(0, users * k));
        at = WriteFloats(span, at, model.ItemFactors.AsSpan(0, items * k));
        SHA256.HashData(span[..at], span[at..]);
        return buffer;
    }

    /// <exception cref="InvalidDataException">The bytes are not a model this codec wrote, or were damaged.</exception>
    public static MfModel Decode(ReadOnlySpan<byte> data)
    {
        EnsureLittleEndian();
        if (data.Length < HeaderSize + DigestSize || !data[..4].SequenceEqual(Magic))
            throw new InvalidDataException("Not an OnlineRec model (bad magic).");
        var format = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (format != FormatVersion) throw new InvalidDataException($"Model format v{format} is not supported (this build reads v{FormatVersion}).");
        Span<byte> digest = stackalloc byte[DigestSize];
        SHA256.HashData(data[..^DigestSize], digest);
        if (!digest.SequenceEqual(data[^DigestSize..])) throw new InvalidDataException("Model bytes are corrupt (digest mismatch).");

        var k = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        var users = BinaryPrimitives.ReadInt32LittleEndian(data[12..]);
        var items = BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
        var mean = BinaryPrimitives.ReadSingleLittleEndian(data[20..]);
        if (k < 1 || users < 0 || items < 0) throw new InvalidDataException("Model header is inconsistent.");
        var body = data[..^DigestSize];
        var at = HeaderSize;
        var userIds = ReadIds(body, ref at, users);
        var itemIds = ReadIds(body, ref at, items);
        var model = new MfModel(k, new IdMap(userIds), new IdMap(itemIds), mean);
        ReadFloats(body, ref at, model.UserBias.AsSpan(0, users));
        ReadFloats(body, ref at, model.ItemBias.AsSpan(0, items));
        ReadFloats(body, ref at, model.UserFactors.AsSpan(0, users * k));
        ReadFloats(body, ref at, model.ItemFactors.AsSpan(0, items * k));
        if (at != body.Length) throw new InvalidDataException("Model bytes have trailing data.");
        return model;
    }

    private static long IdsSize(IdMap map, int count)
    {
        long size = 0;
        for (var i = 0; i < count; i++) size += 4 + Encoding.UTF8.GetByteCount(map[i]);
        return size;
    }

    private static int WriteIds(Span<byte> span, int at, IdMap map, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var written = Encoding.UTF8.GetBytes(map[i], span[(at + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], written);
            at += 4 + written;
        }
        return at;
    }

    private static string[] ReadIds(ReadOnlySpan<byte> data, ref int at, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            if (at + 4 > data.Length) throw new InvalidDataException("Model id table is truncated.");
            var length = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
            if (length < 0 || at + 4 + length > data.Length) throw new InvalidDataException("Model id table is truncated.");
            ids[i] = Encoding.UTF8.GetString(data.Slice(at + 4, length));
            at += 4 + length;
        }
        return ids;
    }

    private static int WriteFloats(Span<byte> span, int at, ReadOnlySpan<float> values)
    {
        var bytes = MemoryMarshal.AsBytes(values);
        bytes.CopyTo(span[at..]);
        return at + bytes.Length;
    }

    private static void ReadFloats(ReadOnlySpan<byte> data, ref int at, Span<float> target)
    {
        var bytes = MemoryMarshal.AsBytes(target);
        if (at + bytes.Length > data.Length) throw new InvalidDataException("Model factor data is truncated.");
        data.Slice(at, bytes.Length).CopyTo(bytes);
        at += bytes.Length;
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The model codec writes raw little-endian floats.");
    }
}
