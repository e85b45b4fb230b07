using System.Globalization;
using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>
/// Parses one line of a known rating format into a <see cref="RatingEvent"/>, or says precisely why it cannot.
/// Works on spans; the only allocations are id strings not seen before.
/// </summary>
internal sealed class RatingLineParser
{
    private readonly string _separator;
    private readonly string _separatorName;
    private readonly int _minFields;
    private readonly int _maxFields;
    private readonly bool _trimFields;
    private readonly RatingScale? _scale;
    private readonly IdStringPool _ids = new();

    public RatingLineParser(RatingFileFormat format, RatingScale? scale)
    {
        Format = format;
        _scale = scale;
        (_separator, _separatorName, _minFields, _maxFields, _trimFields) = format switch
        {
            RatingFileFormat.MovieLensTab => ("\t", "tab-separated", 4, 4, false),
            RatingFileFormat.MovieLensDat => ("::", "'::'-separated", 4, 4, false),
            RatingFileFormat.MovieLensCsv => (",", "comma-separated", 4, 4, true),
            RatingFileFormat.GenericCsv => (",", "comma-separated", 3, 4, true),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "A concrete format is required."),
        };
    }

    public RatingFileFormat Format { get; }

    public bool IsCsv => Format is RatingFileFormat.MovieLensCsv or RatingFileFormat.GenericCsv;

    /// <summary>A header line: its rating field is not a number (e.g. <c>userId,movieId,rating,timestamp</c>).</summary>
    public bool LooksLikeHeader(ReadOnlySpan<char> line)
    {
        Span<Range> fields = stackalloc Range[5];
        var count = line.Split(fields, _separator);
        return count >= 3 && !TryParseRating(Field(line, fields[2]), out _);
    }

    /// <summary>Null on success; otherwise the reason the line is unusable.</summary>
    public string? TryParse(ReadOnlySpan<char> line, out RatingEvent rating)
    {
        rating = default;
        var fieldCount = line.Count(_separator) + 1;
        if (fieldCount < _minFields || fieldCount > _maxFields)
        {
            var expected = _minFields == _maxFields ? $"{_minFields}" : $"{_minFields} or {_maxFields}";
            return $"expected {expected} {_separatorName} fields, found {fieldCount}";
        }

        Span<Range> ranges = stackalloc Range[4];
        line.Split(ranges, _separator);
        var user = Field(line, ranges[0]);
        var item = Field(line, ranges[1]);
        var value = Field(line, ranges[2]);
        if (user.IsEmpty) return "empty user id";
        if (item.IsEmpty) return "empty item id";
        if (!TryParseRating(value, out var parsed)) return $"rating '{value}' is not a number";
        var invalid = _scale is null
            ? double.IsFinite(parsed) ? null : $"rating {value} is not a finite number"
            : _scale.Validate(parsed);
        if (invalid is not null) return invalid;

        long timestamp = 0;
        if (fieldCount == 4)
        {
            var stamp = Field(line, ranges[3]);
            if (!TryParseTimestamp(stamp, out timestamp)) return $"timestamp '{stamp}' is not a non-negative integer";
        }

        rating = new RatingEvent(_ids.Get(user), _ids.Get(item), (float)parsed, timestamp);
        return null;
    }

    private ReadOnlySpan<char> Field(ReadOnlySpan<char> line, Range range)
    {
        var field = line[range];
        if (!_trimFields) return field;
        field = field.Trim();
        // Spreadsheet exports quote text fields; ids never contain the separator, so stripping suffices.
        if (field.Length >= 2 && field[0] == '"' && field[^1] == '"') field = field[1..^1].Trim();
        return field;
    }

    private static bool TryParseRating(ReadOnlySpan<char> text, out double value)
    {
        // Fast path for the common single-digit star.
        if (text.Length == 1 && char.IsAsciiDigit(text[0]))
        {
            value = text[0] - '0';
            return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseTimestamp(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 18) return false; // 18 digits cannot overflow a long
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
