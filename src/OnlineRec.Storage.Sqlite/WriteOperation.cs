namespace OnlineRec.Storage.Sqlite;

/// <summary>
/// One unit of work for <see cref="SqliteWriteQueue"/>. It runs inside a transaction shared with other operations
/// (group commit) and its caller learns the outcome only after that transaction committed, i.e. when it is durable.
/// <see cref="Execute"/> must be re-runnable: if any operation in a group throws, the group is rolled back and each
/// operation is run again in a transaction of its own, so only the faulty one fails.
/// </summary>
public abstract class WriteOperation
{
    protected WriteOperation(int weight, CancellationToken cancellationToken)
    {
        Weight = Math.Max(weight, 0);
        CancellationToken = cancellationToken;
    }

    /// <summary>Rows this operation writes; the queue caps the total per transaction.</summary>
    public int Weight { get; }

    public CancellationToken CancellationToken { get; }

    internal abstract void Execute(SqliteWriteSession session);

    /// <summary>
    /// Runs on the writer thread right after the commit, in commit order, before the caller is answered: the place
    /// to update in-memory mirrors of what is now durable.
    /// </summary>
    internal virtual void OnCommitted() { }

    internal abstract void Publish();
    internal abstract void Fail(Exception error);
    internal abstract void Cancel();
}

/// <summary>A write operation that produces a <typeparamref name="T"/> once committed.</summary>
public abstract class WriteOperation<T> : WriteOperation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    protected WriteOperation(int weight, CancellationToken cancellationToken) : base(weight, cancellationToken) { }

    public Task<T> Completion => _completion.Task;

    /// <summary>Does the work on the writer connection, inside the open transaction.</summary>
    protected abstract T Run(SqliteWriteSession session);

    /// <summary>The value <see cref="Run"/> produced in the transaction that committed.</summary>
    protected T Result => _result!;

    internal sealed override void Execute(SqliteWriteSession session) => _result = Run(session);
    internal sealed override void Publish() => _completion.TrySetResult(_result!);
    internal sealed override void Fail(Exception error) => _completion.TrySetException(error);
    internal sealed override void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
