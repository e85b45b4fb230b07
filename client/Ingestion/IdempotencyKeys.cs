using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OnlineRec.Core.Model;

namespace OnlineRec.Client.Ingestion;

/// <summary>
/// Idempotency keys for rating batches. A file batch's key depends only on what the batch is — file name, batch
/// size, batch index and a hash of its ratings — never on time or randomness. So re-sending a batch (a retry after
/// a lost answer, or re-running the same ingest after a crash, or after fixing a bad line further down) reuses its
/// key and the server stores it exactly once, while a different file that happens to share the name gets new keys.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>The server accepts keys of up to 256 characters; long names are shortened by a hash.</summary>
    public const int MaxLength = 256;

    private const int MaxReadableNameLength = 120;

    /// <summary>
    /// The prefix shared by all batches of one file, e.g. "ingest:u1.base:b5000". The batch size is part of it
    /// because batch N of a 1000-batching holds other ratings than batch N of a 5000-batching.
    /// </summary>
    public static string FilePrefix(string fileName, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return $"ingest:{Readable(Path.GetFileName(fileName))}:b{batchSize}";
    }

    /// <summary>Key of file batch <paramref name="batchIndex"/>: "ingest:u1.base:b5000:3:9f2c…" (prefix, index, content hash).</summary>
    public static string ForFileBatch(string prefix, long batchIndex, ReadOnlySpan<RatingEvent> ratings) =>
        ForBatch(prefix, batchIndex) + ":" + ContentHash(ratings);

    /// <summary>The key of batch <paramref name="batchIndex"/> (0-based) under <paramref name="prefix"/>.</summary>
    public static string ForBatch(string prefix, long batchIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        var key = $"{prefix}:{batchIndex}";
        // Leave room for a content hash; an over-long user-chosen prefix is hashed, which keeps it deterministic.
        return key.Length <= MaxLength - 32 ? key : $"h:{Hash(prefix)}:{batchIndex}";
    }

    /// <summary>A prefix unique to this run, for generated streams (demo, load) where sending again means a new run.</summary>
    public static string RunPrefix(string what) => $"{what}:{Guid.NewGuid():N}";

    /// <summary>24 hex digits of SHA-256 over the ratings' ids, values and timestamps, in order.</summary>
    public static string ContentHash(ReadOnlySpan<RatingEvent> ratings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[12];
        foreach (var r in ratings)
        {
            AppendString(hash, r.User);
            AppendString(hash, r.Item);
            BinaryPrimitives.WriteSingleLittleEndian(number, r.Value);
            BinaryPrimitives.WriteInt64LittleEndian(number[4..], r.Timestamp);
            hash.AppendData(number);
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest[..12]);
    }

    private static void AppendString(IncrementalHash hash, string value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, value.Length); // length-prefixed: ("ab","c") ≠ ("a","bc")
        hash.AppendData(length);
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.AsSpan()));
    }

    private static string Readable(string fileName)
    {
        var builder = new StringBuilder(fileName.Length);
        foreach (var c in fileName) builder.Append(char.IsControl(c) || c == ':' ? '_' : c);
        var name = builder.ToString();
        return name.Length <= MaxReadableNameLength ? name : $"{name[..40]}~{Hash(name)}";
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
}
