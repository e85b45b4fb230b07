using Orleans.Concurrency;

namespace OnlineRec.Abstractions;

/// <summary>
/// Many ids as one string plus the end offset of each. Batched queries carry hundreds of ids per call; as a
/// <c>string[]</c> every id is a separately reference-tracked string in the codec and a separate allocation on the
/// silo, which together cost more than answering it. One string is copied in one go, and the silo looks ids up by
/// span without materialising them.
/// </summary>
[GenerateSerializer, Immutable, Alias("onlinerec.id-list")]
public sealed record IdList(string Chars, int[] Ends)
{
    public int Count => Ends.Length;

    /// <summary>Id <paramref name="index"/> as a view into <see cref="Chars"/> (no allocation).</summary>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var start = index == 0 ? 0 : Ends[index - 1];
            return Chars.AsSpan(start, Ends[index] - start);
        }
    }

    /// <summary>Id <paramref name="index"/> as a string, for the rare paths that need one (a grain key, an error message).</summary>
    public string IdAt(int index) => this[index].ToString();

    /// <summary>True when the offsets are non-decreasing and inside <see cref="Chars"/>: a peer's list is checked before use.</summary>
    public bool IsWellFormed()
    {
        if (Chars is null || Ends is null) return false;
        var previous = 0;
        foreach (var end in Ends)
        {
            if (end < previous || end > Chars.Length) return false;
            previous = end;
        }
        return true;
    }

    public static IdList Of(params string[] ids) => Of(ids, static id => id);

    /// <summary>The ids <paramref name="select"/> picks from each element, without collecting them into an array first.</summary>
    public static IdList Of<T>(T[] source, Func<T, string> select)
    {
        var ends = new int[source.Length];
        var length = 0;
        for (var i = 0; i < source.Length; i++) ends[i] = length = checked(length + select(source[i]).Length);
        var chars = string.Create(length, (source, select), static (span, state) =>
        {
            foreach (var element in state.source)
            {
                var id = state.select(element);
                id.CopyTo(span);
                span = span[id.Length..];
            }
        });
        return new IdList(chars, ends);
    }
}
