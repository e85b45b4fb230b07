using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Grains.Options;
using OnlineRec.Storage.RatingLog;
using Orleans.Runtime;

namespace OnlineRec.Grains.Recovery;

/// <summary>
/// When a silo dies, the rating-stream messages queued on it (memory streams) die with it: those ratings are in the
/// log, acknowledged, but never reached their users. This service watches membership; when an active silo is
/// declared dead, the surviving silo with the lowest address replays the recent log (<see cref="RecoveryOptions.ReplayWindow"/>
/// before the failure up to the log's end) to the user grains, which apply only what they had missed.
/// </summary>
internal sealed class SiloFailureReplayer(
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    IRatingLog log,
    LogReplayer replayer,
    IOptions<RecoveryOptions> options,
    TimeProvider time,
    ILogger<SiloFailureReplayer> logger) : BackgroundService
{
    private readonly RecoveryOptions _options = options.Value;
    private readonly LogPositionHistory _history = new(options.Value.ReplayWindow);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.ReplayOnSiloFailure) return;
        var sampling = SampleLogEndAsync(stoppingToken);
        try
        {
            await WatchMembershipAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await sampling;
    }

    private async Task SampleLogEndAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SampleInterval, time);
        do
        {
            try
            {
                _history.Record(time.GetUtcNow(), await log.GetLastSequenceAsync(stoppingToken));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Could not sample the log's end.");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        var wasActive = new HashSet<SiloAddress>();
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
        {
            var died = snapshot.Members.Values
                .Where(m => m.Status == SiloStatus.Dead && wasActive.Contains(m.SiloAddress))
                .Select(m => m.SiloAddress).ToList();
            wasActive = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();
            if (died.Count == 0 || !IsReplayer(wasActive)) continue;

            var from = _history.SequenceAtOrBefore(time.GetUtcNow() - _options.ReplayWindow);
            try
            {
                var to = await log.GetLastSequenceAsync(stoppingToken);
                logger.LogWarning("Silo(s) {Dead} died; replaying log sequences {From}..{To} to the user grains.", string.Join(", ", died), from + 1, to);
                var report = await replayer.ReplayAsync(from, to, stoppingToken);
                logger.LogWarning("Replay after silo failure done: {Ratings} ratings to {Users} users ({Failed} users failed).",
                    report.Ratings, report.Users, report.FailedUsers);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Replay after the failure of {Dead} failed; missed ratings reach users at their next activation or retrain.", string.Join(", ", died));
            }
        }
    }

    // One replayer per failure: the lowest surviving address. If it dies too, the next failure event elects another.
    private bool IsReplayer(HashSet<SiloAddress> active) =>
        active.Contains(localSilo.SiloAddress) && active.Min() is { } lowest && lowest.Equals(localSilo.SiloAddress);
}
