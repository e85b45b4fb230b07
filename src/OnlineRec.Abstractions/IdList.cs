using System.Diagnostics.CodeAnalysis;
using Orleans.Concurrency;

namespace OnlineRec.Abstractions;

/// <summary>
/// Many ids as one string, each id preceded by its length, so a batched query's ids travel as a single string that
/// the codec copies in one go: the codec reference-tracks every string of a <c>string[]</c> (which the silo would then
/// allocate again) and makes one call per element of an <c>int[]</c> of offsets, both measurable at 10⁶ ids/s
/// (docs/decisions/0011-packed-ids-and-byte-block-answers.md). The receiver finds the ids by walking the lengths once
/// (<see cref="IsWellFormed"/>) and reads them as spans.
/// <para>
/// A length below 0x7FFF is one char; a longer one is the marker 0x7FFF and two chars of 15 bits each, so no length
/// char is ever a surrogate, which the codec's UTF-8 would not carry intact. Ids may hold any chars.
/// </para>
/// </summary>
[GenerateSerializer, Immutable, Alias("onlinerec.packed-ids")]
public sealed class IdList
{
    private const char LongLength = (char)0x7FFF;
    private const int MaxIdLength = (1 << 30) - 1;

    [Id(0)] private readonly string _packed;

    // End offset of each id in _packed, found by walking the lengths once (a received list is parsed where it is read).
    // A benign race: two readers may both parse, and both store equal arrays.
    [NonSerialized] private int[]? _ends;

    private IdList(string packed, int[]? ends)
    {
        _packed = packed;
        _ends = ends;
    }

    /// <summary>The wire form: every id preceded by its length.</summary>
    public string Packed => _packed;

    public int Count => Ends.Length;

    /// <summary>Id <paramref name="index"/> as a view into <see cref="Packed"/> (no allocation).</summary>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var ends = Ends;
            var prefix = index == 0 ? 0 : ends[index - 1];
            var start = prefix + (_packed[prefix] == LongLength ? 3 : 1);
            return _packed.AsSpan(start, ends[index] - start);
        }
    }

    /// <summary>Id <paramref name="index"/> as a string, for the rare paths that need one (a grain key, an error message).</summary>
    public string IdAt(int index) => this[index].ToString();

    /// <summary>True when the lengths walk exactly to the end of the string: a peer's list is checked before use.</summary>
    public bool IsWellFormed() => TryParse(out _);

    private int[] Ends => TryParse(out var ends) ? ends : throw new InvalidDataException("The id list is malformed.");

    private bool TryParse([NotNullWhen(true)] out int[]? ends)
    {
        ends = _ends;
        if (ends is not null) return true;
        if (_packed is null) return false;
        var count = 0;
        for (var position = 0; position < _packed.Length; count++)
            if (!TryStep(ref position)) return false;
        ends = new int[count];
        for (int position = 0, i = 0; i < count; i++)
        {
            TryStep(ref position);
            ends[i] = position;
        }
        _ends = ends;
        return true;
    }

    // Moves past one length and its id; false when either runs past the end.
    private bool TryStep(ref int position)
    {
        int length = _packed[position++];
        if (length == LongLength)
        {
            if (_packed.Length - position < 2 || _packed[position] > 0x7FFF || _packed[position + 1] > 0x7FFF) return false;
            length = (_packed[position] << 15) | _packed[position + 1];
            position += 2;
        }
        if (_packed.Length - position < length) return false;
        position += length;
        return true;
    }

    public static IdList Of(params string[] ids) => Of(ids, static id => id);

    /// <summary>A list in its wire form, unchecked, as a peer might send it (tests of <see cref="IsWellFormed"/>).</summary>
    internal static IdList FromPacked(string packed) => new(packed, null);

    /// <summary>The ids <paramref name="select"/> picks from each element, without collecting them into an array first.</summary>
    public static IdList Of<T>(T[] source, Func<T, string> select)
    {
        var length = 0;
        foreach (var element in source)
        {
            var id = select(element);
            length = checked(length + PrefixLength(id.Length) + id.Length);
        }
        var packed = string.Create(length, (source, select), static (span, state) =>
        {
            foreach (var element in state.source)
            {
                var id = state.select(element);
                if (id.Length < LongLength)
                {
                    span[0] = (char)id.Length;
                    span = span[1..];
                }
                else
                {
                    span[0] = LongLength;
                    span[1] = (char)(id.Length >> 15);
                    span[2] = (char)(id.Length & 0x7FFF);
                    span = span[3..];
                }
                id.CopyTo(span);
                span = span[id.Length..];
            }
        });
        return new IdList(packed, null);
    }

    private static int PrefixLength(int idLength)
    {
        if (idLength > MaxIdLength) throw new ArgumentException($"An id of {idLength} chars is longer than an id list carries ({MaxIdLength}).");
        return idLength < LongLength ? 1 : 3;
    }
}
