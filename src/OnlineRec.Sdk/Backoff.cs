namespace OnlineRec.Sdk;

/// <summary>Exponential backoff with jitter, shared by the typed client's resends and the CLI's retries.</summary>
public static class Backoff
{
    /// <summary>
    /// <paramref name="first"/> doubled for each retry after the first, capped at <paramref name="max"/>, then ±25 %
    /// so that parallel callers that failed together do not retry together.
    /// </summary>
    /// <param name="retry">1-based.</param>
    public static TimeSpan Jittered(TimeSpan first, TimeSpan max, int retry)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 20));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.75 + Random.Shared.NextDouble() * 0.5));
    }
}
