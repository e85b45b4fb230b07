namespace OnlineRec.Lab.Bpmf;

/// <summary>
/// A tiny counter-based normal generator (SplitMix64 + Box–Muller). Seeded from (seed, sweep, side, row), so every
/// row's noise is fixed by its coordinates alone and a parallel sweep is deterministic whatever the scheduling.
/// </summary>
internal struct CounterGaussian
{
    private ulong _state;
    private double _spare;
    private bool _hasSpare;

    public CounterGaussian(int seed, int sweep, int side, int row)
    {
        _state = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ Mix(((ulong)(uint)sweep << 33) ^ ((ulong)(uint)side << 32) ^ (uint)row));
        _spare = 0;
        _hasSpare = false;
    }

    public double Next()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        var u1 = 1.0 - NextUnit(); // (0, 1]: log is finite
        var u2 = NextUnit();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var angle = 2.0 * Math.PI * u2;
        _spare = radius * Math.Sin(angle);
        _hasSpare = true;
        return radius * Math.Cos(angle);
    }

    private double NextUnit()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return (Mix(_state) >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
