namespace OnlineRec.Grains.Recovery;

/// <summary>
/// Samples of (time, last log sequence), so "where did the log end T ago?" has an answer without a timestamp column.
/// Keeps samples only as far back as needed. Thread-safe.
/// </summary>
public sealed class LogPositionHistory(TimeSpan keep)
{
    private readonly Queue<(DateTimeOffset At, long Sequence)> _samples = new();
    private readonly Lock _lock = new();

    public void Record(DateTimeOffset at, long lastSequence)
    {
        lock (_lock)
        {
            _samples.Enqueue((at, lastSequence));
            // Keep the newest sample that is at least `keep` old: it answers every query inside the window.
            while (_samples.Count > 1 && ElementAt(1).At <= at - keep) _samples.Dequeue();
        }
    }

    /// <summary>
    /// The log's end at or before <paramref name="at"/>: every rating up to it had been appended by then. When no
    /// sample is that old (the silo started recently), the oldest sample — the best bound this silo has seen.
    /// 0 when nothing was sampled yet: replay everything.
    /// </summary>
    public long SequenceAtOrBefore(DateTimeOffset at)
    {
        lock (_lock)
        {
            long result = 0;
            var first = true;
            foreach (var (sampledAt, sequence) in _samples)
            {
                if (first || sampledAt <= at) result = sequence;
                first = false;
                if (sampledAt > at) break;
            }
            return result;
        }
    }

    private (DateTimeOffset At, long Sequence) ElementAt(int index)
    {
        var i = 0;
        foreach (var sample in _samples)
            if (i++ == index) return sample;
        throw new ArgumentOutOfRangeException(nameof(index));
    }
}
