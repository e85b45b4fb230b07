using OnlineRec.Abstractions;
using OnlineRec.Core.Serving;

namespace OnlineRec.Grains.Serving;

/// <summary>A batched query's <see cref="IdList"/> as the id tables read it (a struct, so their passes inline the reads).</summary>
internal readonly struct IdListSource(IdList ids) : IIdSource
{
    public int Count => ids.Count;

    public ReadOnlySpan<char> this[int index] => ids[index];
}

/// <summary>Ids that arrived as strings (a REST batch): read in place, never packed into an <see cref="IdList"/>.</summary>
internal readonly struct StringIdSource(IReadOnlyList<string> ids) : IIdSource
{
    public int Count => ids.Count;

    public ReadOnlySpan<char> this[int index] => ids[index];
}
