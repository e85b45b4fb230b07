using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.RatingLog;

/// <summary>
/// Group commit within one process: concurrent appends queue here, one loop drains whatever is waiting (up to a
/// rating budget) into one <see cref="AppendTransaction"/>, and answers every caller after the commit. Under load the
/// commit round trips, the WAL flush and the log lock are shared by all batches in the group; with one caller it
/// degenerates to one transaction per batch. A single loop per process loses nothing: the log's commits are serial
/// across the cluster anyway (see <see cref="AppendTransaction"/>).
/// </summary>
internal sealed class AppendGroupWriter : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly int _maxRatingsPerTransaction;
    private readonly Channel<AppendRequest> _pending;
    private readonly Task _loop;
    private readonly KnownIds _knownIds = new();

    public AppendGroupWriter(NpgsqlDataSource dataSource, TimeProvider time, int maxRatingsPerTransaction, int queueCapacity = 8192)
    {
        _dataSource = dataSource;
        _time = time;
        _maxRatingsPerTransaction = maxRatingsPerTransaction;
        // Bounded: when the database cannot keep up, producers wait here instead of growing memory without limit.
        _pending = Channel.CreateBounded<AppendRequest>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    public AppendWriterMetrics Metrics { get; } = new();

    public async Task<AppendResult> EnqueueAsync(AppendRequest request)
    {
        try
        {
            await _pending.Writer.WriteAsync(request, request.CancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(PostgresRatingLog), "The rating log is shutting down.");
        }
        return await request.Completion.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _pending.Reader;
        var group = new List<AppendRequest>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            long weight = 0;
            while (weight < _maxRatingsPerTransaction && reader.TryRead(out var request))
            {
                if (request.CancellationToken.IsCancellationRequested) { request.Cancel(); continue; }
                group.Add(request);
                weight += request.Ratings.Count;
            }
            if (group.Count > 0) await CommitGroupAsync(group).ConfigureAwait(false);
        }
    }

    private async Task CommitGroupAsync(List<AppendRequest> group)
    {
        AppendResult[] results;
        try
        {
            results = await RunTransactionAsync(group).ConfigureAwait(false);
        }
        catch (CommitOutcomeUnknownException error)
        {
            // Never re-run: the group may be stored, and batches without a key would be stored twice.
            foreach (var request in group) request.Fail(error);
            return;
        }
        catch (Exception) when (group.Count > 1)
        {
            // Nothing was committed. Isolate the culprit (e.g. a key reused with another batch size): each batch again, alone.
            foreach (var request in group) await CommitAloneAsync(request).ConfigureAwait(false);
            return;
        }
        catch (Exception error)
        {
            group[0].Fail(error);
            return;
        }
        for (var i = 0; i < group.Count; i++) group[i].Succeed(results[i]);
    }

    private async Task CommitAloneAsync(AppendRequest request)
    {
        try
        {
            var results = await RunTransactionAsync([request]).ConfigureAwait(false);
            request.Succeed(results[0]);
        }
        catch (Exception error)
        {
            request.Fail(error);
        }
    }

    private async Task<AppendResult[]> RunTransactionAsync(IReadOnlyList<AppendRequest> group)
    {
        var started = Stopwatch.GetTimestamp();
        var results = await AppendTransaction.RunAsync(_dataSource, group, _time.GetUtcNow(), _knownIds, Metrics).ConfigureAwait(false);
        Metrics.AddTransaction(Stopwatch.GetElapsedTime(started), group.Count);
        return results;
    }

    /// <summary>Stops accepting appends and finishes what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}

/// <summary>Where the writer's time goes (benchmarks read it): transactions, batches, and time holding the log lock.</summary>
internal sealed class AppendWriterMetrics
{
    private long _transactions;
    private long _batches;
    private long _transactionTicks;
    private long _lockHeldTicks;

    public long Transactions => Interlocked.Read(ref _transactions);
    public long Batches => Interlocked.Read(ref _batches);
    public TimeSpan TransactionTime => TimeSpan.FromTicks(Interlocked.Read(ref _transactionTicks));

    /// <summary>From asking for the log lock to COMMIT returning: waiting for other silos' commits, then holding it.</summary>
    public TimeSpan LockTime => TimeSpan.FromTicks(Interlocked.Read(ref _lockHeldTicks));

    internal void AddLockHeld(TimeSpan elapsed) => Interlocked.Add(ref _lockHeldTicks, elapsed.Ticks);

    internal void AddTransaction(TimeSpan elapsed, int batches)
    {
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _batches, batches);
        Interlocked.Add(ref _transactionTicks, elapsed.Ticks);
    }
}
