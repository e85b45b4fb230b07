using System.Runtime.CompilerServices;
using OnlineRec.Lab.Data;

namespace OnlineRec.Client.Ingestion;

/// <summary>
/// A rating file as a stream of <see cref="OutgoingBatch"/>es. Reading is the core's streaming reader (format
/// auto-detected, every line of a batch validated before the batch is handed out), so a malformed line throws
/// <see cref="DataFormatException"/> naming file and line before the batch that contains it can be sent.
/// </summary>
public sealed class FileBatches
{
    private readonly string _path;
    private readonly RatingReadOptions _options;
    private readonly string _keyPrefix;

    /// <param name="keyPrefix">Null: derived from the file name and batch size (<see cref="IdempotencyKeys.FilePrefix"/>).</param>
    public FileBatches(string path, int batchSize, RatingFileFormat format = RatingFileFormat.Auto,
        Core.Model.RatingScale? scale = null, string? keyPrefix = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!File.Exists(path)) throw new FileNotFoundException($"Rating file '{path}' does not exist.", path);
        _path = path;
        _options = new RatingReadOptions { BatchSize = batchSize, Format = format, Scale = scale };
        _keyPrefix = keyPrefix ?? IdempotencyKeys.FilePrefix(path, batchSize);
    }

    public string KeyPrefix => _keyPrefix;

    /// <summary>The format the reader will use (auto-detection resolved), or null if the file gives no clue.</summary>
    public RatingFileFormat? Format => _options.Format == RatingFileFormat.Auto ? RatingFileReader.DetectFormat(_path) : _options.Format;

    public async IAsyncEnumerable<OutgoingBatch> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long index = 0;
        await foreach (var batch in RatingFileReader.ReadBatchesAsync(_path, _options, onBadLine: null, cancellationToken))
        {
            yield return new OutgoingBatch(index, batch.Events, IdempotencyKeys.ForFileBatch(_keyPrefix, index, batch.Events), batch.FirstLineNumber, batch.LastLineNumber);
            index++;
        }
    }

    /// <summary>Lines in a file (a final line without newline counts): the progress bar's total.</summary>
    public static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        return last == (byte)'\n' ? lines : lines + 1;
    }
}
