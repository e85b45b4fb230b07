using OnlineRec.Abstractions;

namespace OnlineRec.Cluster.Tests;

/// <summary>A user grain as it answers now, compared with what the log holds for that user.</summary>
public sealed record UserCheck(
    string User,
    SiloProcess? Host,
    int ModelVersion,
    long StepsApplied,
    int RatedCount,
    bool Finite,
    int MissingThroughKill,
    int MissingAfterKill,
    int NotInLog)
{
    /// <summary>Every rating the log holds for the user is in the grain, and nothing else.</summary>
    public bool MatchesLog => MissingThroughKill == 0 && MissingAfterKill == 0 && NotInLog == 0;
}

/// <summary>Reads user and item grains through the client and compares users with the log (the source of truth).</summary>
public sealed class GrainAudit(LocalCluster cluster, IReadOnlyDictionary<string, List<LogRow>> logByUser)
{
    /// <param name="killSequence">Last log sequence committed before the kill: ratings up to it predate any re-activation.</param>
    public async Task<UserCheck> CheckUserAsync(string user, long killSequence)
    {
        var grain = cluster.Orleans.GetGrain<IUserGrain>(user);
        var factors = await grain.GetFactors(); // activates it if needed and adopts the installed model version
        var rated = new HashSet<string>(await grain.GetRatedItems(), StringComparer.Ordinal);
        var host = await cluster.HostOfAsync(grain);
        var logged = logByUser.TryGetValue(user, out var rows) ? rows : [];
        var loggedItems = new HashSet<string>(logged.Select(r => r.Item), StringComparer.Ordinal);
        var missingThroughKill = logged.Count(r => r.Sequence <= killSequence && !rated.Contains(r.Item));
        var missingAfterKill = logged.Count(r => r.Sequence > killSequence && !rated.Contains(r.Item));
        var notInLog = rated.Count(i => !loggedItems.Contains(i));
        var finite = float.IsFinite(factors.Bias) && factors.Vector.All(float.IsFinite);
        return new UserCheck(user, host, factors.ModelVersion, factors.RatingCount, rated.Count, finite, missingThroughKill, missingAfterKill, notInLog);
    }

    public async Task<List<UserCheck>> CheckUsersAsync(IEnumerable<string> users, long killSequence)
    {
        var checks = new List<UserCheck>();
        foreach (var chunk in users.Chunk(32))
            checks.AddRange(await Task.WhenAll(chunk.Select(u => CheckUserAsync(u, killSequence))));
        return checks;
    }

    /// <summary>Re-checks until every user matches the log or the time is up; returns the last checks.</summary>
    public async Task<List<UserCheck>> WaitForMatchAsync(IReadOnlyList<string> users, long killSequence, TimeSpan timeout, Func<UserCheck, bool>? settled = null)
    {
        settled ??= c => c.MatchesLog;
        var deadline = DateTime.UtcNow + timeout;
        var checks = await CheckUsersAsync(users, killSequence);
        while (checks.Any(c => !settled(c)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var pending = checks.Where(c => !settled(c)).Select(c => c.User).ToHashSet(StringComparer.Ordinal);
            var again = await CheckUsersAsync(pending, killSequence);
            checks = checks.Where(c => !pending.Contains(c.User)).Concat(again).ToList();
        }
        return checks;
    }

    /// <summary>An item grain now: where it lives, whether its factors are finite, how many steps its state holds.</summary>
    public async Task<(SiloProcess? Host, bool Finite, long Steps)> CheckItemAsync(string item)
    {
        var grain = cluster.Orleans.GetGrain<IItemGrain>(item);
        var factors = await grain.GetFactors();
        var host = await cluster.HostOfAsync(grain);
        return (host, float.IsFinite(factors.Bias) && factors.Vector.All(float.IsFinite), factors.RatingCount);
    }
}
