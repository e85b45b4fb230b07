using System.Globalization;
using System.Text;

namespace OnlineRec.Lab.Data;

/// <summary>The 19 genre flags of MovieLens 100K <c>u.item</c>, in file column order.</summary>
[Flags]
public enum MovieGenres
{
    None = 0,
    Unknown = 1 << 0,
    Action = 1 << 1,
    Adventure = 1 << 2,
    Animation = 1 << 3,
    Children = 1 << 4,
    Comedy = 1 << 5,
    Crime = 1 << 6,
    Documentary = 1 << 7,
    Drama = 1 << 8,
    Fantasy = 1 << 9,
    FilmNoir = 1 << 10,
    Horror = 1 << 11,
    Musical = 1 << 12,
    Mystery = 1 << 13,
    Romance = 1 << 14,
    SciFi = 1 << 15,
    Thriller = 1 << 16,
    War = 1 << 17,
    Western = 1 << 18,
}

/// <summary>A row of <c>u.user</c>: <c>id|age|gender|occupation|zip</c>. Ids are strings, as in <see cref="Model.RatingEvent"/>.</summary>
public sealed record MovieLensUser(string Id, int Age, string Gender, string Occupation, string ZipCode);

/// <summary>A row of <c>u.item</c>. Dates are null where the file leaves them empty (e.g. item 267, "unknown").</summary>
public sealed record MovieLensItem(string Id, string Title, DateOnly? ReleaseDate, DateOnly? VideoReleaseDate, string ImdbUrl,
    MovieGenres Genres);

/// <summary>
/// Readers for the small MovieLens 100K side files. They are pipe-separated and latin-1 encoded (titles such as
/// "Belle époque" are not valid UTF-8), so they are decoded as latin-1. All-or-nothing like
/// <see cref="RatingFileReader.ReadAll(string, RatingReadOptions?)"/>: a bad line throws <see cref="DataFormatException"/>.
/// </summary>
public static class MovieLensSideFiles
{
    private const int GenreCount = 19;
    private const int ItemFieldCount = 5 + GenreCount;
    private const int UserFieldCount = 5;
    private static readonly string[] DateFormats = ["dd-MMM-yyyy", "d-MMM-yyyy"];

    public static IReadOnlyList<MovieLensUser> ReadUsers(string path)
    {
        using var reader = RatingFileReader.OpenText(path, asynchronous: false, Encoding.Latin1);
        return ReadUsers(reader, Path.GetFileName(path));
    }

    public static IReadOnlyList<MovieLensUser> ReadUsers(TextReader reader, string sourceName) =>
        ReadRows(reader, sourceName, UserFieldCount, ParseUser);

    public static IReadOnlyList<MovieLensItem> ReadItems(string path)
    {
        using var reader = RatingFileReader.OpenText(path, asynchronous: false, Encoding.Latin1);
        return ReadItems(reader, Path.GetFileName(path));
    }

    public static IReadOnlyList<MovieLensItem> ReadItems(TextReader reader, string sourceName) =>
        ReadRows(reader, sourceName, ItemFieldCount, ParseItem);

    private static MovieLensUser ParseUser(string[] f)
    {
        RequireId(f[0]);
        if (!int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var age))
            throw new FormatException($"age '{f[1]}' is not a non-negative integer");
        return new MovieLensUser(f[0], age, f[2], f[3], f[4]);
    }

    private static MovieLensItem ParseItem(string[] f)
    {
        RequireId(f[0]);
        var genres = MovieGenres.None;
        for (var g = 0; g < GenreCount; g++)
        {
            var flag = f[5 + g];
            if (flag == "1") genres |= (MovieGenres)(1 << g);
            else if (flag != "0") throw new FormatException($"genre flag {g + 1} is '{flag}', expected 0 or 1");
        }
        return new MovieLensItem(f[0], f[1], ParseDate(f[2], "release date"), ParseDate(f[3], "video release date"), f[4], genres);
    }

    private static void RequireId(string id)
    {
        if (id.Length == 0) throw new FormatException("empty id");
    }

    private static DateOnly? ParseDate(string text, string what)
    {
        if (text.Length == 0) return null;
        // The file mostly pads days to two digits but not always ("4-Feb-1971").
        return DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new FormatException($"{what} '{text}' is not of the form 01-Jan-1995");
    }

    // Row parsers signal a bad field with FormatException; it becomes a DataFormatException with the line number.
    private static List<T> ReadRows<T>(TextReader reader, string sourceName, int fieldCount, Func<string[], T> parse)
    {
        var rows = new List<T>();
        long lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split('|');
            if (fields.Length != fieldCount)
                throw new DataFormatException(sourceName, lineNumber, $"expected {fieldCount} '|'-separated fields, found {fields.Length}");
            try
            {
                rows.Add(parse(fields));
            }
            catch (FormatException e) when (e is not DataFormatException)
            {
                throw new DataFormatException(sourceName, lineNumber, e.Message);
            }
        }
        return rows;
    }
}
