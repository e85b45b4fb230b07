using System.Diagnostics;

namespace OnlineRec.Silo.Startup;

/// <summary>
/// The clock Orleans' membership and health monitoring read (the keyed <see cref="TimeProvider"/>
/// <see cref="ServiceKey"/>), with timestamps counted from the moment the silo first asks for it instead of from
/// machine boot. Orleans' watchdog starts its platform thread before it stamps the time of the last participant
/// check, so that thread's first look reads an unstamped timestamp 0 and, with boot-based timestamps, reports
/// "Participant check thread has not completed for &lt;machine uptime&gt;, potentially indicating … deadlock" at
/// every start (and records a health complaint). Counted from first use, the unstamped 0 is seconds old, within the
/// watchdog's threshold (twice <c>ClusterMembershipOptions.LocalHealthDegradationMonitoringPeriod</c>), and every
/// elapsed time Orleans computes is unchanged. Wall-clock time and timers are the system's.
/// </summary>
internal sealed class MembershipClock : TimeProvider
{
    /// <summary>The key Orleans resolves its membership clock with (Orleans.Runtime's internal TimeProviderNames.Membership).</summary>
    public const string ServiceKey = "Orleans.Membership";

    private readonly long _origin = Stopwatch.GetTimestamp();

    public override long GetTimestamp() => Stopwatch.GetTimestamp() - _origin;

    public override long TimestampFrequency => Stopwatch.Frequency;
}
