using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace OnlineRec.Core.Serving;

/// <summary>
/// Software prefetches for the batched serving path: ask for the cache lines a later pass will read, so that many
/// independent misses are in flight at once instead of one after another. A prefetch is only a hint: a stale or
/// moved address costs a wasted line, never a wrong result. On processors without the instruction it does nothing.
/// </summary>
public static class CacheHints
{
    private const int LineBytes = 64;

    /// <summary>The line holding <paramref name="location"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(ref readonly T location)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in location)));
    }

    /// <summary>The first line of an object's fields (a string's length and first characters, a row's scalars).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchObject(object? instance)
    {
        if (instance is not null) Prefetch(in Unsafe.As<RawObject>(instance).FirstField);
    }

    /// <summary>The lines of <paramref name="values"/>, at most <paramref name="maxLines"/> of them (the hardware prefetcher follows a longer run).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchLines(ReadOnlySpan<float> values, int maxLines = 4)
    {
        if (values.IsEmpty) return;
        var lines = Math.Min(maxLines, (values.Length * sizeof(float) + LineBytes - 1) / LineBytes);
        for (var line = 0; line < lines; line++) Prefetch(in values[line * (LineBytes / sizeof(float))]);
    }

    // Any object viewed as this class exposes the address of its first field (the layout trick the runtime uses too).
    private sealed class RawObject
    {
#pragma warning disable CS0649 // never written: only its address is taken
        public byte FirstField;
#pragma warning restore CS0649
    }
}
