using System.Diagnostics;
using OnlineRec.Abstractions;

namespace OnlineRec.LoadGen;

/// <summary>
/// Tells when the grains have learned a set of ratings, not just logged them: each user grain counts the SGD steps
/// it applied (<see cref="FactorRow.RatingCount"/>). Take a baseline before sending, then poll until every user's
/// count has grown by at least the number of ratings sent for it (a retrain's replay can only add steps).
/// Polls only users not yet caught up, so late polls are cheap.
/// </summary>
public sealed class LearnedProbe(IGrainFactory grains)
{
    private const int CallsInFlight = 256;

    /// <summary>Current step counts (activates users that were not active: do this before the clock starts).</summary>
    public async Task<Dictionary<string, long>> BaselineAsync(IEnumerable<string> users, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in users.Distinct(StringComparer.Ordinal).Chunk(CallsInFlight))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = await Task.WhenAll(chunk.Select(u => grains.GetGrain<IUserGrain>(u).GetFactors()));
            for (var i = 0; i < chunk.Length; i++) counts[chunk[i]] = rows[i].RatingCount;
        }
        return counts;
    }

    /// <summary>
    /// Waits until every user reached baseline + expected steps. Returns the time (on <paramref name="clock"/>) at
    /// which that was first observed, or null on timeout; <paramref name="missing"/> reports steps still missing.
    /// </summary>
    public async Task<(TimeSpan? LearnedAt, long Missing)> WaitAsync(IReadOnlyDictionary<string, long> baseline,
        IReadOnlyDictionary<string, long> expected, Stopwatch clock, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = expected.Keys.ToList();
        var deadline = clock.Elapsed + timeout;
        long missing = expected.Values.Sum();
        while (true)
        {
            var stillPending = new List<string>();
            missing = 0;
            foreach (var chunk in pending.Chunk(CallsInFlight))
            {
                var rows = await Task.WhenAll(chunk.Select(u => grains.GetGrain<IUserGrain>(u).GetFactors()));
                for (var i = 0; i < chunk.Length; i++)
                {
                    var target = baseline.GetValueOrDefault(chunk[i]) + expected[chunk[i]];
                    if (rows[i].RatingCount >= target) continue;
                    stillPending.Add(chunk[i]);
                    missing += target - rows[i].RatingCount;
                }
            }
            if (stillPending.Count == 0) return (clock.Elapsed, 0);
            if (clock.Elapsed >= deadline) return (null, missing);
            pending = stillPending;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
