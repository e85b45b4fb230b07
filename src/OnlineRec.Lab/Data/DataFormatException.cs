namespace OnlineRec.Lab.Data;

/// <summary>
/// A line of an input file that cannot be used: names the source, the 1-based line and why,
/// e.g. <c>u1.base:17: expected 4 tab-separated fields, found 3</c>.
/// </summary>
public sealed class DataFormatException : FormatException
{
    public DataFormatException(string fileName, long lineNumber, string reason)
        : base($"{fileName}:{lineNumber}: {reason}")
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Reason = reason;
    }

    public DataFormatException(DataFormatError error) : this(error.FileName, error.LineNumber, error.Reason) { }

    /// <summary>The file name (without directories) or the source name given by the caller.</summary>
    public string FileName { get; }

    /// <summary>1-based line number.</summary>
    public long LineNumber { get; }

    public string Reason { get; }

    public DataFormatError ToError() => new(FileName, LineNumber, Reason);
}

/// <summary>A bad line reported (instead of thrown) by the streaming reader when the caller chose to skip bad lines.</summary>
public sealed record DataFormatError(string FileName, long LineNumber, string Reason)
{
    public override string ToString() => $"{FileName}:{LineNumber}: {Reason}";
}
