using System.Collections.Concurrent;

namespace OnlineRec.Sdk;

/// <summary>How the typed client gathers concurrent reads into batched calls.</summary>
public sealed record CoalescingOptions
{
    /// <summary>False sends every call on its own (one grain call per request, as before coalescing).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Most requests in one batched call.</summary>
    public int MaxBatchSize { get; init; } = 1024;

    /// <summary>
    /// Batched calls in flight at once. A request finding a free slot is sent at once (no timer, so a lone caller is
    /// not delayed); otherwise it waits for the next batch, which leaves as soon as a slot frees up.
    /// </summary>
    public int MaxBatchesInFlight { get; init; } = 2;
}

/// <summary>One request's answer in a batch: a value, or the error that request alone failed with.</summary>
public readonly record struct BatchAnswer<T>(T Value, Exception? Error)
{
    public static BatchAnswer<T> Failed(Exception error) => new(default!, error);
}

/// <summary>
/// "Natural batching": concurrent requests queue (lock-free), and whoever finds a batch slot free drains the queue
/// into one call. Under load batches grow by themselves; when idle every request leaves alone at once. Each caller
/// gets its own answer (by position), its own error, and can cancel while waiting or in flight.
/// </summary>
public sealed class RequestCoalescer<TRequest, TResult>
{
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly Func<TRequest[], Task<BatchAnswer<TResult>[]>> _send;
    private readonly int _maxBatch;
    private readonly int _maxInFlight;
    private int _inFlight;

    /// <param name="send">Sends one batch; must answer index for index. A thrown exception fails the whole batch.</param>
    public RequestCoalescer(Func<TRequest[], Task<BatchAnswer<TResult>[]>> send, CoalescingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchesInFlight, 1);
        _send = send;
        _maxBatch = options.MaxBatchSize;
        _maxInFlight = options.MaxBatchesInFlight;
    }

    public Task<TResult> Enqueue(TRequest request, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<TResult>(cancellationToken);
        var pending = new Pending(request);
        if (cancellationToken.CanBeCanceled) pending.Watch(cancellationToken);
        _queue.Enqueue(pending);
        TrySendBatches();
        return pending.Task;
    }

    private void TrySendBatches()
    {
        while (!_queue.IsEmpty)
        {
            var inFlight = Volatile.Read(ref _inFlight);
            if (inFlight >= _maxInFlight) return; // the batch that frees a slot drains the queue
            if (Interlocked.CompareExchange(ref _inFlight, inFlight + 1, inFlight) != inFlight) continue;
            var batch = Drain();
            if (batch.Count == 0)
            {
                // Someone else emptied the queue (or every request was cancelled): give the slot back and look again,
                // in case a request arrived after our drain but saw no free slot.
                Interlocked.Decrement(ref _inFlight);
                continue;
            }
            _ = SendAsync(batch);
        }
    }

    private List<Pending> Drain()
    {
        var batch = new List<Pending>(Math.Min(_maxBatch, 64));
        while (batch.Count < _maxBatch && _queue.TryDequeue(out var pending))
            if (!pending.Task.IsCompleted) batch.Add(pending); // cancelled while queued: never sent
        return batch;
    }

    private async Task SendAsync(List<Pending> batch)
    {
        try
        {
            var requests = new TRequest[batch.Count];
            for (var i = 0; i < requests.Length; i++) requests[i] = batch[i].Request;
            BatchAnswer<TResult>[] answers;
            try
            {
                answers = await _send(requests).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                foreach (var pending in batch) pending.Fail(ex);
                return;
            }
            if (answers.Length != batch.Count)
            {
                var mismatch = new InvalidOperationException($"A batch of {batch.Count} requests was answered with {answers.Length} answers.");
                foreach (var pending in batch) pending.Fail(mismatch);
                return;
            }
            for (var i = 0; i < answers.Length; i++)
            {
                if (answers[i].Error is { } error) batch[i].Fail(error);
                else batch[i].Complete(answers[i].Value);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            TrySendBatches();
        }
    }

    // Continuations run asynchronously so one caller's code never runs inside (and delays) the batch's completion loop.
    private sealed class Pending(TRequest request) : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private CancellationTokenRegistration _registration;

        public TRequest Request { get; } = request;

        public void Watch(CancellationToken cancellationToken) =>
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((Pending)state!).TrySetCanceled(token), this);

        public void Complete(TResult value)
        {
            TrySetResult(value);
            _registration.Dispose();
        }

        public void Fail(Exception error)
        {
            TrySetException(error);
            _registration.Dispose();
        }
    }
}
