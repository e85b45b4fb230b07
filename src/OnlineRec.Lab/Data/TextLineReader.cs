namespace OnlineRec.Lab.Data;

/// <summary>
/// Hands out the lines of a <see cref="TextReader"/> as spans into one reusable buffer, so parsing a file
/// allocates nothing per line. A span is valid only until the next call. Accepts \n and \r\n endings.
/// Fill and take are separate so the same reader serves the synchronous and the asynchronous paths.
/// </summary>
internal sealed class TextLineReader
{
    /// <summary>Longest accepted line: a guard against a binary or single-line file exhausting memory.</summary>
    public const int MaxLineLength = 1 << 20;

    private readonly TextReader _reader;
    private char[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfInput;

    private readonly string _sourceName;

    public TextLineReader(TextReader reader, string sourceName, int bufferSize = 64 * 1024)
    {
        _reader = reader;
        _sourceName = sourceName;
        _buffer = new char[bufferSize];
    }

    /// <summary>1-based number of the line most recently taken (0 before the first).</summary>
    public long LineNumber { get; private set; }

    /// <summary>True once the input is exhausted and every line has been taken.</summary>
    public bool Finished => _endOfInput && _start == _end;

    /// <summary>
    /// Takes the next complete line from the buffer. False means "call Fill first" (or, when
    /// <see cref="Finished"/>, that there are no more lines). The final line need not end with a newline.
    /// </summary>
    public bool TryTakeLine(out ReadOnlySpan<char> line)
    {
        var pending = _buffer.AsSpan(_start, _end - _start);
        var newline = pending.IndexOf('\n');
        int consumed;
        if (newline >= 0)
        {
            line = pending[..newline];
            consumed = newline + 1;
        }
        else if (_endOfInput && pending.Length > 0)
        {
            line = pending;
            consumed = pending.Length;
        }
        else
        {
            line = default;
            return false;
        }
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        _start += consumed;
        LineNumber++;
        return true;
    }

    /// <summary>Reads more input; false when nothing is buffered and nothing is left to read.</summary>
    public bool Fill()
    {
        if (_endOfInput) return _start != _end;
        var free = PrepareForRead();
        var read = _reader.Read(free.Span);
        return Advance(read);
    }

    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_endOfInput) return _start != _end;
        var free = PrepareForRead();
        var read = await _reader.ReadAsync(free, cancellationToken).ConfigureAwait(false);
        return Advance(read);
    }

    // Moves the unfinished tail to the front, growing the buffer when a single line fills it.
    private Memory<char> PrepareForRead()
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineLength)
                throw new DataFormatException(_sourceName, LineNumber + 1, $"line is longer than {MaxLineLength} characters");
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineLength));
        }
        return _buffer.AsMemory(_end);
    }

    private bool Advance(int read)
    {
        if (read == 0)
        {
            _endOfInput = true;
            return _start != _end;
        }
        _end += read;
        return true;
    }
}
