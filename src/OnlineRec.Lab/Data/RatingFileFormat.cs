using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>The rating file layouts the readers understand.</summary>
public enum RatingFileFormat
{
    /// <summary>Decide from the first line, then from the file name (see <see cref="RatingFormatDetector"/>).</summary>
    Auto,

    /// <summary>MovieLens 100K <c>u.data</c>, <c>u1.base</c>…: <c>user⇥item⇥rating⇥timestamp</c>, integer stars.</summary>
    MovieLensTab,

    /// <summary>MovieLens 1M/10M <c>ratings.dat</c>: <c>user::item::rating::timestamp</c>.</summary>
    MovieLensDat,

    /// <summary>MovieLens latest/25M <c>ratings.csv</c>: header <c>userId,movieId,rating,timestamp</c>, half stars.</summary>
    MovieLensCsv,

    /// <summary><c>user,item,rating[,timestamp]</c> with an optional header; a missing timestamp reads as 0.</summary>
    GenericCsv,
}

/// <summary>How to read a rating file.</summary>
public sealed record RatingReadOptions
{
    public static RatingReadOptions Default { get; } = new();

    public RatingFileFormat Format { get; init; } = RatingFileFormat.Auto;

    /// <summary>
    /// Ratings outside this scale (or off its grid) are bad lines. Null means the format's natural scale:
    /// 1–5 stars for <see cref="RatingFileFormat.MovieLensTab"/>, half stars for the .dat and MovieLens .csv
    /// (ML-10M's .dat has half stars), and only "finite" for <see cref="RatingFileFormat.GenericCsv"/>.
    /// </summary>
    public RatingScale? Scale { get; init; }

    /// <summary>CSV only: whether the first line is a header. Null: it is one when its rating field is not a number.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// Events per batch for the streaming API. The default keeps a batch (32 bytes per event) under the 85 KB
    /// large-object threshold, so streaming a big file produces only short-lived small garbage.
    /// </summary>
    public int BatchSize { get; init; } = 2_048;

    internal RatingScale? ScaleFor(RatingFileFormat format) => Scale ?? format switch
    {
        RatingFileFormat.MovieLensTab => RatingScale.OneToFive,
        RatingFileFormat.MovieLensDat or RatingFileFormat.MovieLensCsv => RatingScale.HalfStars,
        _ => null,
    };
}

/// <summary>Guesses a rating file's format from its first non-blank line, falling back on its name.</summary>
public static class RatingFormatDetector
{
    public static RatingFileFormat? Detect(string? fileName, ReadOnlySpan<char> firstLine)
    {
        if (firstLine.Contains("::", StringComparison.Ordinal)) return RatingFileFormat.MovieLensDat;
        if (firstLine.Contains('\t')) return RatingFileFormat.MovieLensTab;
        if (firstLine.Contains(','))
            return firstLine.TrimStart().StartsWith("userId,movieId", StringComparison.OrdinalIgnoreCase)
                ? RatingFileFormat.MovieLensCsv
                : RatingFileFormat.GenericCsv;
        return DetectFromName(fileName);
    }

    public static RatingFileFormat? DetectFromName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName)) return null;
        var name = Path.GetFileName(fileName);
        if (name.EndsWith(".dat", StringComparison.OrdinalIgnoreCase)) return RatingFileFormat.MovieLensDat;
        if (name.Equals("u.data", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".base", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".test", StringComparison.OrdinalIgnoreCase))
            return RatingFileFormat.MovieLensTab;
        if (name.Equals("ratings.csv", StringComparison.OrdinalIgnoreCase)) return RatingFileFormat.MovieLensCsv;
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return RatingFileFormat.GenericCsv;
        return null;
    }
}
