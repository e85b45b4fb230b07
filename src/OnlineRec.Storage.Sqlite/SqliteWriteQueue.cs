using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace OnlineRec.Storage.Sqlite;

/// <summary>
/// Group commit for one SQLite file: concurrent callers enqueue operations, a single writer thread drains whatever
/// is waiting into one <c>BEGIN IMMEDIATE … COMMIT</c>, and completes every caller after the commit. Under load the
/// cost of a commit (and its fsync) is shared by all operations in it; with one caller it degenerates to one
/// transaction per operation. SQLite allows one writer per file anyway, so a single writer loses no parallelism.
/// </summary>
public sealed class SqliteWriteQueue : IAsyncDisposable
{
    private readonly Channel<WriteOperation> _pending;
    private readonly SqliteWriteSession _session;
    private readonly int _maxWeightPerTransaction;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<WriteOperation> _group = new();
    // Wakes the writer. No spinning before it sleeps: a sync wait on the channel (Task.Wait) spins between groups on
    // cores the grains need (docs/decisions/0019-sqlite-raw-insert.md).
    private readonly ManualResetEventSlim _work = new(false, spinCount: 0);

    public SqliteWriteQueue(SqliteDatabase database, int maxWeightPerTransaction, int queueCapacity = 8192, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWeightPerTransaction, 1);
        _maxWeightPerTransaction = maxWeightPerTransaction;
        // Bounded: when the disk cannot keep up, producers wait here instead of growing memory without limit.
        _pending = Channel.CreateBounded<WriteOperation>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _session = new SqliteWriteSession(database.OpenConnection());
        // A dedicated thread: the loop blocks in SQLite (and fsync), which must not starve the thread pool.
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = name ?? $"sqlite-writer:{Path.GetFileName(database.Path)}" };
        _writer.Start();
    }

    /// <summary>Queues an operation; the returned task completes after its transaction committed.</summary>
    public async Task<T> EnqueueAsync<T>(WriteOperation<T> operation)
    {
        try
        {
            await _pending.Writer.WriteAsync(operation, operation.CancellationToken).ConfigureAwait(false);
            _work.Set();
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteWriteQueue), "The storage is shutting down.");
        }
        return await operation.Completion.ConfigureAwait(false);
    }

    private void WriterLoop()
    {
        var reader = _pending.Reader;
        try
        {
            while (WaitForWork(reader))
            {
                _group.Clear();
                long weight = 0;
                while (weight < _maxWeightPerTransaction && reader.TryRead(out var operation))
                {
                    if (operation.CancellationToken.IsCancellationRequested) { operation.Cancel(); continue; }
                    _group.Add(operation);
                    weight += operation.Weight;
                }
                if (_group.Count > 0) CommitGroup(_group);
            }
            _stopped.TrySetResult();
        }
        catch (Exception error)
        {
            _stopped.TrySetException(error);
        }
    }

    /// <summary>Blocks until an operation is queued (true) or the queue is completed and empty (false).</summary>
    private bool WaitForWork(ChannelReader<WriteOperation> reader)
    {
        while (true)
        {
            if (reader.TryPeek(out _)) return true;
            if (reader.Completion.IsCompleted) return false;
            _work.Reset();
            // Re-check after the reset: an operation queued before it set the event we just cleared.
            if (reader.TryPeek(out _)) return true;
            if (reader.Completion.IsCompleted) return false;
            _work.Wait();
        }
    }

    private void CommitGroup(List<WriteOperation> group)
    {
        try
        {
            RunInTransaction(group);
        }
        catch (Exception) when (group.Count > 1)
        {
            // Isolate the culprit: each operation again, alone. Nothing of the failed group was committed.
            foreach (var operation in group)
            {
                try { RunInTransaction([operation]); }
                catch (Exception error) { operation.Fail(error); continue; }
                Committed(operation);
            }
            return;
        }
        catch (Exception error)
        {
            group[0].Fail(error);
            return;
        }
        foreach (var operation in group) Committed(operation);
    }

    // Outside the transaction's try: once COMMIT returned, nothing may send an operation round again.
    private static void Committed(WriteOperation operation)
    {
        try { operation.OnCommitted(); }
        catch (Exception error) { operation.Fail(error); return; }
        operation.Publish();
    }

    private void RunInTransaction(IReadOnlyList<WriteOperation> operations)
    {
        _session.Execute("BEGIN IMMEDIATE;");
        try
        {
            foreach (var operation in operations) operation.Execute(_session);
            _session.Execute("COMMIT;");
        }
        catch
        {
            try { _session.Execute("ROLLBACK;"); }
            catch (SqliteException) { /* SQLite already rolled back (e.g. after an I/O error) */ }
            throw;
        }
    }

    /// <summary>Stops accepting work, finishes what is queued, and closes the writer connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        _work.Set();
        try { await _stopped.Task.ConfigureAwait(false); }
        finally
        {
            _session.Dispose();
            _work.Dispose();
        }
    }
}
