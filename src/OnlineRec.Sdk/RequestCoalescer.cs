using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;

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
/// A request is a pooled <see cref="IValueTaskSource{TResult}"/>, so at 10⁵–10⁶ requests/s the client allocates no task
/// per request: the answer must be awaited once (or turned into a Task with <c>AsTask()</c>).
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

    public ValueTask<TResult> Enqueue(TRequest request, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<TResult>(cancellationToken);
        var pending = PendingPool.Rent() ?? new Pending();
        var answer = pending.Start(request, cancellationToken);
        _queue.Enqueue(pending);
        TrySendBatches();
        return answer;
    }

    /// <summary>
    /// Spare request objects, per thread: no interlocked operation on the hot path. A request is often rented on one
    /// thread and returned on another; each thread keeps at most <see cref="Capacity"/> spares and the rest go to the
    /// GC, so the pools stay small whichever way they drift.
    /// </summary>
    private static class PendingPool
    {
        private const int Capacity = 256;
        [ThreadStatic] private static Pending[]? t_spares;
        [ThreadStatic] private static int t_count;

        public static Pending? Rent()
        {
            if (t_count == 0) return null;
            var spares = t_spares!;
            var pending = spares[--t_count];
            spares[t_count] = null!;
            return pending;
        }

        public static void Return(Pending pending)
        {
            var spares = t_spares ??= new Pending[Capacity];
            if (t_count < Capacity) spares[t_count++] = pending;
        }
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
            if (!pending.IsCancelled) batch.Add(pending); // cancelled while queued: never sent
        return batch;
    }

    private async Task SendAsync(List<Pending> batch)
    {
        BatchAnswer<TResult>[]? answers = null;
        Exception? failure = null;
        var answeredAtOnce = true; // also when the sender throws instead of returning a task
        try
        {
            var requests = new TRequest[batch.Count];
            for (var i = 0; i < requests.Length; i++) requests[i] = batch[i].Request;
            var sending = _send(requests);
            answeredAtOnce = sending.IsCompleted;
            answers = await sending.ConfigureAwait(false);
            if (answers.Length != batch.Count)
                failure = new InvalidOperationException($"A batch of {batch.Count} requests was answered with {answers.Length} answers.");
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        // Free the slot first, so the requests that queued meanwhile leave before this batch's callers add more.
        Interlocked.Decrement(ref _inFlight);
        TrySendBatches();
        var completion = new BatchCompletion(batch, answers, failure);
        // A batch answered later resumes its callers right here: Orleans completes a grain call on a thread-pool work
        // item of its own, so this is not its connection's receive loop, and one more hop per batch (or per chunk of
        // callers) cost more client CPU per request at 1,000 concurrent in the session-7 runs (BENCHMARKS.md).
        // A batch answered at once (an in-process sender, a failure before sending) would otherwise resume other
        // callers inside this caller's Enqueue, and their next requests inside that: one hop keeps the stack flat.
        if (answeredAtOnce) ThreadPool.UnsafeQueueUserWorkItem(completion, preferLocal: false);
        else completion.Execute();
    }

    /// <summary>Resumes a batch's callers in order, each with its answer or error (continuations run inline).</summary>
    private sealed class BatchCompletion(List<Pending> batch, BatchAnswer<TResult>[]? answers, Exception? failure) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            ExceptionDispatchInfo? thrown = null;
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    if (failure is not null) batch[i].Fail(failure);
                    else if (answers![i].Error is { } error) batch[i].Fail(error);
                    else batch[i].Complete(answers[i].Value);
                }
                catch (Exception ex)
                {
                    // A continuation that throws (not an await: those capture) must not strand the callers after it.
                    thrown ??= ExceptionDispatchInfo.Capture(ex);
                }
            }
            thrown?.Throw();
        }
    }

    /// <summary>
    /// One caller's request and answer. Continuations run synchronously: completion already happens on a pool thread,
    /// one batch of callers at a time. Exactly one of batch completion and cancellation wins (<see cref="_state"/>).
    /// Only a request its batch completed goes back to the pool, after the caller took the result: a cancelled one may
    /// still sit in a queue or batch, so it is left to the GC rather than reused under a stale reference.
    /// </summary>
    private sealed class Pending : IValueTaskSource<TResult>
    {
        private const int Waiting = 0, Answered = 1, Cancelled = 2;
        private ManualResetValueTaskSourceCore<TResult> _core;
        private CancellationTokenRegistration _registration;
        private bool _watched;
        private bool _recyclable;
        private int _state;

        public TRequest Request { get; private set; } = default!;

        public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

        public ValueTask<TResult> Start(TRequest request, CancellationToken cancellationToken)
        {
            Request = request;
            _state = Waiting;
            var answer = new ValueTask<TResult>(this, _core.Version);
            _watched = cancellationToken.CanBeCanceled;
            if (_watched) _registration = cancellationToken.UnsafeRegister(static (state, token) => ((Pending)state!).Cancel(token), this);
            return answer;
        }

        public void Complete(TResult value)
        {
            if (Interlocked.CompareExchange(ref _state, Answered, Waiting) != Waiting) return;
            Unwatch();
            _core.SetResult(value);
        }

        public void Fail(Exception error)
        {
            if (Interlocked.CompareExchange(ref _state, Answered, Waiting) != Waiting) return;
            Unwatch();
            _core.SetException(error);
        }

        // Unregister, not Dispose (which would wait for a running cancellation callback). A callback that is already
        // running still holds this object, so then it is not reused.
        private void Unwatch() => _recyclable = !_watched || _registration.Unregister();

        private void Cancel(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) != Waiting) return;
            _core.SetException(new OperationCanceledException(token));
        }

        public TResult GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                if (Volatile.Read(ref _state) == Answered && _recyclable)
                {
                    _core.Reset();
                    _registration = default;
                    Request = default!;
                    PendingPool.Return(this);
                }
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
