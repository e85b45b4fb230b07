using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// Ships item rows changed by online steps on this silo to every other silo's replica, coalesced (latest row per item)
/// and batched every <see cref="FlushInterval"/>: replicas elsewhere trail by at most about that long.
/// </summary>
public sealed class ItemUpdateBroadcaster(
    IItemReplicaServiceClient replicas,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    ILogger<ItemUpdateBroadcaster> logger) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);
    private const int MaxBatch = 4096;
    private ConcurrentDictionary<string, ItemRowUpdate> _pending = new(StringComparer.Ordinal);

    public void Enqueue(string item, float bias, float[] vector, int modelVersion)
    {
        if (!HasPeers) return;
        _pending[item] = new ItemRowUpdate(item, bias, vector, modelVersion);
    }

    // Asked once per SGD step: count the active silos once per membership version, not per call.
    private bool HasPeers
    {
        get
        {
            var snapshot = membership.CurrentSnapshot;
            var known = _peers;
            if (known.Version == snapshot.Version) return known.HasPeers;
            var hasPeers = snapshot.Members.Count(m => m.Value.Status == SiloStatus.Active) > 1;
            _peers = new PeerCount(snapshot.Version, hasPeers);
            return hasPeers;
        }
    }

    private PeerCount _peers = new(MembershipVersion.MinValue, false);

    private sealed record PeerCount(MembershipVersion Version, bool HasPeers);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal async Task FlushAsync()
    {
        if (_pending.IsEmpty) return;
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<string, ItemRowUpdate>(StringComparer.Ordinal));
        var rows = batch.Values.ToArray();
        var peers = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(localSilo.SiloAddress))
            .Select(m => m.SiloAddress)
            .ToArray();
        var sends = new List<Task>();
        foreach (var peer in peers)
            for (var offset = 0; offset < rows.Length; offset += MaxBatch)
                sends.Add(replicas.On(peer).ApplyUpdates(rows[offset..Math.Min(rows.Length, offset + MaxBatch)]));
        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception ex)
        {
            // A peer that is leaving misses some rows; its replica catches up at the next model install.
            logger.LogDebug(ex, "Broadcasting {Rows} item rows to {Peers} silos partly failed.", rows.Length, peers.Length);
        }
    }
}
