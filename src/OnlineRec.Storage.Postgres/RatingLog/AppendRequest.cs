using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.RatingLog;

/// <summary>One caller's batch waiting for (or taking part in) a group-commit transaction.</summary>
internal sealed class AppendRequest(IReadOnlyList<RatingEvent> ratings, string? idempotencyKey, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<AppendResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<RatingEvent> Ratings { get; } = ratings;
    public string? IdempotencyKey { get; } = idempotencyKey;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public Task<AppendResult> Completion => _completion.Task;

    public void Succeed(AppendResult result) => _completion.TrySetResult(result);
    public void Fail(Exception error) => _completion.TrySetException(error);
    public void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
