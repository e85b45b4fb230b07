using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>Events read from consecutive lines of a rating file, with the line range they came from.</summary>
public sealed record RatingBatch(RatingEvent[] Events, long FirstLineNumber, long LastLineNumber)
{
    public int Count => Events.Length;
}

/// <summary>
/// Reads rating files (MovieLens .data/.base/.test, .dat, .csv and generic CSV) into <see cref="RatingEvent"/>s.
/// <see cref="ReadAll(string, RatingReadOptions?)"/> is all-or-nothing: the first bad line throws a
/// <see cref="DataFormatException"/> and nothing is returned. <see cref="ReadBatches(string, RatingReadOptions?, Action{DataFormatError}?)"/>
/// streams a file of any size in validated batches for ingestion.
/// </summary>
public static class RatingFileReader
{
    private const int FileBufferSize = 1 << 16;

    /// <summary>Every rating in the file, in file order. Throws <see cref="DataFormatException"/> on the first bad line.</summary>
    public static RatingEvent[] ReadAll(string path, RatingReadOptions? options = null)
    {
        // Counting newlines first (a vectorised pass over cached bytes) lets the result be allocated once at its
        // final size: no growth copies, and one large-object allocation instead of several.
        var lineCount = CountLines(path);
        using var reader = OpenText(path, asynchronous: false);
        return ReadAll(reader, Path.GetFileName(path), options, lineCount);
    }

    /// <summary>Every rating from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static RatingEvent[] ReadAll(TextReader reader, string sourceName, RatingReadOptions? options = null) =>
        ReadAll(reader, sourceName, options, 1024);

    /// <summary>Reads a whole file into a dataset with fresh (or the given) id maps.</summary>
    public static RatingDataset LoadDataset(string path, RatingReadOptions? options = null, IdMap? users = null, IdMap? items = null) =>
        RatingDataset.FromEvents(ReadAll(path, options), users, items);

    /// <summary>
    /// Streams a file in batches of <see cref="RatingReadOptions.BatchSize"/> events; only one batch is in memory.
    /// Every line of a batch is validated before the batch is yielded. On a bad line: with
    /// <paramref name="onBadLine"/> null, throws <see cref="DataFormatException"/> and the unfinished batch is dropped
    /// (earlier batches' <see cref="RatingBatch.LastLineNumber"/> tells where to resume); otherwise the line is
    /// reported and skipped.
    /// </summary>
    public static IEnumerable<RatingBatch> ReadBatches(string path, RatingReadOptions? options = null, Action<DataFormatError>? onBadLine = null)
    {
        // Open eagerly so a missing file fails at the call, not at the first MoveNext.
        var reader = OpenText(path, asynchronous: false);
        return ReadBatchesOwning(reader, Path.GetFileName(path), options, onBadLine);
    }

    public static IEnumerable<RatingBatch> ReadBatches(TextReader reader, string sourceName, RatingReadOptions? options = null,
        Action<DataFormatError>? onBadLine = null)
    {
        var source = new RatingLineSource(reader, sourceName, options ?? RatingReadOptions.Default);
        var batch = new RatingEvent[BatchSizeOf(options)];
        var count = 0;
        var firstLine = 1L;
        while (true)
        {
            count = source.ParseBuffered(batch, count, onBadLine);
            if (count == batch.Length)
            {
                yield return Cut(ref batch, ref count, ref firstLine, source.LineNumber);
                continue;
            }
            if (!source.Fill()) break;
        }
        if (count > 0) yield return Cut(ref batch, ref count, ref firstLine, source.LineNumber);
    }

    /// <summary>The asynchronous twin of <see cref="ReadBatches(string, RatingReadOptions?, Action{DataFormatError}?)"/>.</summary>
    public static IAsyncEnumerable<RatingBatch> ReadBatchesAsync(string path, RatingReadOptions? options = null,
        Action<DataFormatError>? onBadLine = null, CancellationToken cancellationToken = default)
    {
        var reader = OpenText(path, asynchronous: true); // eagerly, like the synchronous twin
        return ReadBatchesOwningAsync(reader, Path.GetFileName(path), options, onBadLine, cancellationToken);
    }

    public static async IAsyncEnumerable<RatingBatch> ReadBatchesAsync(TextReader reader, string sourceName, RatingReadOptions? options = null,
        Action<DataFormatError>? onBadLine = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var source = new RatingLineSource(reader, sourceName, options ?? RatingReadOptions.Default);
        var batch = new RatingEvent[BatchSizeOf(options)];
        var count = 0;
        var firstLine = 1L;
        while (true)
        {
            count = source.ParseBuffered(batch, count, onBadLine);
            if (count == batch.Length)
            {
                yield return Cut(ref batch, ref count, ref firstLine, source.LineNumber);
                continue;
            }
            if (!await source.FillAsync(cancellationToken).ConfigureAwait(false)) break;
        }
        if (count > 0) yield return Cut(ref batch, ref count, ref firstLine, source.LineNumber);
    }

    /// <summary>The format <see cref="RatingFileFormat.Auto"/> would choose for this file (null if undecidable).</summary>
    public static RatingFileFormat? DetectFormat(string path)
    {
        using var reader = OpenText(path, asynchronous: false);
        string? line;
        while ((line = reader.ReadLine()) is not null && string.IsNullOrWhiteSpace(line)) { }
        return RatingFormatDetector.Detect(Path.GetFileName(path), line);
    }

    internal static StreamReader OpenText(string path, bool asynchronous, Encoding? encoding = null)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = FileBufferSize,
            Options = asynchronous ? FileOptions.Asynchronous | FileOptions.SequentialScan : FileOptions.SequentialScan,
        });
        return new StreamReader(stream, encoding ?? Encoding.UTF8, detectEncodingFromByteOrderMarks: encoding is null, FileBufferSize);
    }

    private static RatingEvent[] ReadAll(TextReader reader, string sourceName, RatingReadOptions? options, int capacity)
    {
        var source = new RatingLineSource(reader, sourceName, options ?? RatingReadOptions.Default);
        var events = new RatingEvent[Math.Max(capacity, 16)];
        var count = 0;
        while (true)
        {
            count = source.ParseBuffered(events, count, onBadLine: null);
            if (!source.Fill()) break; // nothing buffered, nothing left to read
            // Only grow when lines remain after filling the array, so an exact estimate never doubles it.
            if (count == events.Length) Array.Resize(ref events, events.Length * 2);
        }
        if (count != events.Length) Array.Resize(ref events, count);
        return events;
    }

    /// <summary>Number of lines, counting a final line without a newline (an upper bound on the rating count).</summary>
    private static int CountLines(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var buffer = ArrayPool<byte>.Shared.Rent(FileBufferSize);
        try
        {
            long lines = 0, offset = 0;
            var last = (byte)'\n';
            int read;
            while ((read = RandomAccess.Read(file, buffer.AsSpan(0, FileBufferSize), offset)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
                last = buffer[read - 1];
                offset += read;
            }
            if (last != (byte)'\n') lines++;
            return (int)Math.Min(lines, Array.MaxLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IEnumerable<RatingBatch> ReadBatchesOwning(StreamReader reader, string sourceName, RatingReadOptions? options,
        Action<DataFormatError>? onBadLine)
    {
        using (reader)
        {
            foreach (var batch in ReadBatches(reader, sourceName, options, onBadLine)) yield return batch;
        }
    }

    private static async IAsyncEnumerable<RatingBatch> ReadBatchesOwningAsync(StreamReader reader, string sourceName, RatingReadOptions? options,
        Action<DataFormatError>? onBadLine, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (reader)
        {
            await foreach (var batch in ReadBatchesAsync(reader, sourceName, options, onBadLine, cancellationToken).ConfigureAwait(false))
                yield return batch;
        }
    }

    private static int BatchSizeOf(RatingReadOptions? options)
    {
        var size = (options ?? RatingReadOptions.Default).BatchSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1, nameof(RatingReadOptions.BatchSize));
        return size;
    }

    // Hands the filled array to the consumer (who may keep it) and starts a fresh one.
    private static RatingBatch Cut(ref RatingEvent[] batch, ref int count, ref long firstLine, long lastLine)
    {
        var events = count == batch.Length ? batch : batch[..count];
        var result = new RatingBatch(events, firstLine, lastLine);
        if (count == batch.Length) batch = new RatingEvent[batch.Length];
        count = 0;
        firstLine = lastLine + 1;
        return result;
    }
}
