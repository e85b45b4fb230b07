using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>
/// Bounds every call to a shard: a shard that never answers (its silo vanished, a partition) fails the retrain with
/// a <see cref="TimeoutException"/> instead of hanging it, so the installed version stays and the next retrain runs.
/// The ranking model's solves are bounded too when the inner shard serves them (<see cref="IImplicitShardWorker"/>).
/// </summary>
public sealed class TimeBoundShard(IAlsShardWorker inner, TimeSpan timeout, string name) : IImplicitShardWorker
{
    public Task<ShardSummary> PrepareAsync(CancellationToken cancellationToken) =>
        Bound(inner.PrepareAsync(cancellationToken), "prepare", cancellationToken);

    public Task BindAsync(IdMap users, IdMap items, CancellationToken cancellationToken) =>
        Bound(inner.BindAsync(users, items, cancellationToken), "bind", cancellationToken);

    public Task<ShardSolution> SolveAsync(ShardSide side, FixedSide fixedSide, CancellationToken cancellationToken) =>
        Bound(inner.SolveAsync(side, fixedSide, cancellationToken), side == ShardSide.Users ? "solve users" : "solve items", cancellationToken);

    public Task<ShardSolution> SolveImplicitAsync(ShardSide side, ImplicitFixedSide fixedSide, CancellationToken cancellationToken) =>
        inner is IImplicitShardWorker ranking
            ? Bound(ranking.SolveImplicitAsync(side, fixedSide, cancellationToken), side == ShardSide.Users ? "solve ranking users" : "solve ranking items", cancellationToken)
            : throw new NotSupportedException($"{name} does not solve the ranking model.");

    private async Task<T> Bound<T>(Task<T> call, string what, CancellationToken cancellationToken)
    {
        await Bound((Task)call, what, cancellationToken);
        return await call;
    }

    private async Task Bound(Task call, string what, CancellationToken cancellationToken)
    {
        try
        {
            await call.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{name} did not answer '{what}' within {timeout}; the retrain is abandoned.");
        }
    }
}
