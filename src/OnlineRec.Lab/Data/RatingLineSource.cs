using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>
/// The reading loop shared by the whole-file and streaming APIs: takes lines, skips blanks and a CSV header,
/// detects the format on the first non-blank line, and parses. Input is pulled separately (sync or async)
/// so this class never blocks and never awaits.
/// </summary>
internal sealed class RatingLineSource
{
    private readonly TextLineReader _lines;
    private readonly RatingReadOptions _options;
    private RatingLineParser? _parser;
    private bool _sawContent;

    public RatingLineSource(TextReader reader, string sourceName, RatingReadOptions options)
    {
        SourceName = sourceName;
        _options = options;
        _lines = new TextLineReader(reader, sourceName);
        if (options.Format != RatingFileFormat.Auto) _parser = new RatingLineParser(options.Format, options.ScaleFor(options.Format));
    }

    public string SourceName { get; }

    public long LineNumber => _lines.LineNumber;

    /// <summary>The format in use, once known (immediately unless <see cref="RatingFileFormat.Auto"/>).</summary>
    public RatingFileFormat? Format => _parser?.Format;

    public bool Fill() => _lines.Fill();

    public ValueTask<bool> FillAsync(CancellationToken cancellationToken) => _lines.FillAsync(cancellationToken);

    /// <summary>
    /// Parses buffered lines into <paramref name="destination"/> from index <paramref name="count"/> until it is full
    /// or the buffer runs dry (then call Fill and retry); returns the new count. A bad line throws unless
    /// <paramref name="onBadLine"/> is given.
    /// </summary>
    public int ParseBuffered(Span<RatingEvent> destination, int count, Action<DataFormatError>? onBadLine)
    {
        while (count < destination.Length && _lines.TryTakeLine(out var line))
        {
            var reason = ParseLine(line, out var rating, out var skip);
            if (skip) continue;
            if (reason is null)
            {
                destination[count++] = rating;
                continue;
            }
            var error = new DataFormatError(SourceName, _lines.LineNumber, reason);
            if (onBadLine is null) throw new DataFormatException(error);
            onBadLine(error);
        }
        return count;
    }

    private string? ParseLine(ReadOnlySpan<char> line, out RatingEvent rating, out bool skip)
    {
        rating = default;
        skip = line.IsWhiteSpace();
        if (skip) return null;

        var first = !_sawContent;
        _sawContent = true;
        if (_parser is null)
        {
            var format = RatingFormatDetector.Detect(SourceName, line);
            if (format is null) return "cannot tell the rating format from the file name or the first line";
            _parser = new RatingLineParser(format.Value, _options.ScaleFor(format.Value));
        }
        if (first && _parser.IsCsv && (_options.HasHeader ?? _parser.LooksLikeHeader(line)))
        {
            skip = true;
            return null;
        }
        return _parser.TryParse(line, out rating);
    }
}
