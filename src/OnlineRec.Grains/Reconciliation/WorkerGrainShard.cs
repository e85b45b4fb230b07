using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training.Sharded;

namespace OnlineRec.Grains.Reconciliation;

/// <summary>The coordinator's view of one <see cref="IAlsWorkerGrain"/>: translates to the wire records, stamps the retrain id.</summary>
internal sealed class WorkerGrainShard(IAlsWorkerGrain worker, AlsShardAssignment assignment) : IAlsShardWorker
{
    private Guid RetrainId => assignment.RetrainId;

    public async Task<ShardSummary> PrepareAsync(CancellationToken cancellationToken)
    {
        var summary = await worker.Prepare(assignment);
        return new ShardSummary(FromWire(summary.Users), FromWire(summary.Items), summary.ValueSum, summary.Ratings);
    }

    public Task BindAsync(IdMap users, IdMap items, CancellationToken cancellationToken) =>
        worker.Bind(new AlsIdMaps(RetrainId, users.Ids.ToArray(), items.Ids.ToArray()));

    public async Task<ShardSolution> SolveAsync(ShardSide side, FixedSide fixedSide, CancellationToken cancellationToken)
    {
        var request = new AlsFixedSide(RetrainId, fixedSide.Factors, fixedSide.Bias, fixedSide.GlobalMean);
        var block = side == ShardSide.Users ? await worker.SolveUsers(request) : await worker.SolveItems(request);
        return new ShardSolution(block.Rows, block.Factors, block.Bias, block.FailedRows, block.SquaredError, block.Ratings);
    }

    private static ShardId[] FromWire(AlsShardIds ids)
    {
        if (ids.Ids.Length != ids.FirstSeen.Length) throw new InvalidOperationException("A worker returned mismatched id arrays.");
        return ids.Ids.Select((id, i) => new ShardId(id, ids.FirstSeen[i])).ToArray();
    }
}
