using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OnlineRec.Silo;
using Orleans.Configuration;

namespace OnlineRec.Api.Tests;

public sealed class MembershipClockTests
{
    /// <summary>
    /// Orleans' watchdog can read its participant-check timestamp before stamping it (0) and warns of a deadlock when
    /// that looks older than twice the health-check period; the silo's membership clock must make 0 read as recent.
    /// </summary>
    [Fact]
    public void An_unstamped_membership_timestamp_reads_as_recent_not_as_machine_uptime()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("onlinerec-clock-").FullName;
        try
        {
            AssertUnstampedTimestampIsRecent(dataDirectory);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static void AssertUnstampedTimestampIsRecent(string dataDirectory)
    {
        using var app = SiloHost.Build(
        [
            "--urls", $"http://127.0.0.1:{RunningSilo.FreePort()}",
            "--data-dir", dataDirectory,
            "--silo-port", RunningSilo.FreePort().ToString(),
            "--gateway-port", RunningSilo.FreePort().ToString(),
        ]);
        var clock = app.Services.GetRequiredKeyedService<TimeProvider>("Orleans.Membership");
        var threshold = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.LocalHealthDegradationMonitoringPeriod * 2;

        Assert.True(clock.GetElapsedTime(0) < threshold, $"timestamp 0 reads as {clock.GetElapsedTime(0)} old; the watchdog warns past {threshold}");
        Assert.True(clock.GetElapsedTime(clock.GetTimestamp() - clock.TimestampFrequency) >= TimeSpan.FromSeconds(1), "elapsed times must be unchanged");
    }
}
