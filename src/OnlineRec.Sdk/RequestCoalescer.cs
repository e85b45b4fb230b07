using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using OnlineRec.Abstractions;

namespace OnlineRec.Sdk;

/// <summary>How the typed client gathers concurrent reads into batched calls.</summary>
public sealed record CoalescingOptions
{
    /// <summary>False sends every call on its own (one grain call per request, as before coalescing).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Most requests in one batched call.</summary>
    public int MaxBatchSize { get; init; } = 1024;

    /// <summary>
    /// Batched calls in flight at once: the number of lanes (see <see cref="RequestCoalescer{TRequest,TResult}"/>).
    /// A request finding an idle lane is sent at once (no timer, so a lone caller is not delayed); otherwise it waits
    /// for its lane's next batch.
    /// </summary>
    public int MaxBatchesInFlight { get; init; } = 2;

    /// <summary>
    /// How long a lane waits for its answered callers to resume before it sends the requests they made anyway. Only a
    /// caller that blocks inside its continuation (sync-over-async) ever takes that long; without this it would wait
    /// for a batch its own thread is holding back.
    /// </summary>
    public TimeSpan StalledResumeTimeout { get; init; } = TimeSpan.FromMilliseconds(20);
}

/// <summary>One request's answer in a batch: a value, or the error that request alone failed with.</summary>
public readonly record struct BatchAnswer<T>(T Value, Exception? Error)
{
    public static BatchAnswer<T> Failed(Exception error) => new(default!, error);
}

/// <summary>
/// A batch's answers, read by position. A sender can expose its wire answers through this directly instead of
/// copying them into one <see cref="BatchAnswer{T}"/> per request first (with ids packed straight from the requests,
/// this halved the client's allocation per prediction: docs/decisions/0012-client-coalescer-lanes.md).
/// </summary>
public interface IBatchAnswers<T>
{
    int Count { get; }

    /// <summary>The answer to request <paramref name="index"/>; null, or the error that request alone failed with.</summary>
    Exception? TryGet(int index, out T value);
}

/// <summary>Answers held one per request.</summary>
public sealed class BatchAnswerArray<T>(BatchAnswer<T>[] answers) : IBatchAnswers<T>
{
    public int Count => answers.Length;

    public Exception? TryGet(int index, out T value)
    {
        value = answers[index].Value;
        return answers[index].Error;
    }
}

/// <summary>
/// "Natural batching" in lanes. Each lane has at most one batched call in flight; while it is out, requests for that
/// lane queue (lock-free), and when it is answered the lane resumes its callers in order and then sends, as its next
/// batch, every request they made while resuming plus whatever queued meanwhile.
/// <para>
/// Why lanes rather than one queue drained by whichever call frees a slot first: with one queue the first callers to
/// resume found the slot free and left as batches of a few, and the rest piled up behind them, so batch sizes and
/// latencies swung widely. A closed loop of callers stays in its lane, the lanes' batches stay even and
/// alternate (one is answered and resumed while the other is being served), and every request waits about one round
/// trip plus one resume pass. Requests from outside a resume pass go to an idle lane when there is one (sent at once),
/// else round-robin.
/// </para>
/// Each caller gets its own answer (by position), its own error, and can cancel while waiting or in flight. A request
/// is a pooled <see cref="IValueTaskSource{TResult}"/>, so at 10⁵–10⁶ requests/s the client allocates no task per
/// request: the answer must be awaited once (or turned into a Task with <c>AsTask()</c>).
/// </summary>
public sealed class RequestCoalescer<TRequest, TResult>
{
    private readonly Lane[] _lanes;
    private readonly Func<TRequest[], Task<IBatchAnswers<TResult>>> _send;
    private readonly int _maxBatch;
    private readonly TimeSpan _stalledResumeTimeout;
    private readonly KeyValuePair<string, object?> _operationTag;
    private int _nextLane;

    // The lane whose answered callers this thread is resuming: requests made here join that lane's next batch.
    [ThreadStatic] private static Lane? t_resuming;

    /// <param name="send">Sends one batch; must answer index for index. A thrown exception fails the whole batch.</param>
    /// <param name="operation">Tags this coalescer's <see cref="ClientMetrics"/> (<see cref="ReadOperations"/> for the client's own).</param>
    public RequestCoalescer(Func<TRequest[], Task<BatchAnswer<TResult>[]>> send, CoalescingOptions options, string operation = "batch")
        : this(async batch => new BatchAnswerArray<TResult>(await send(batch).ConfigureAwait(false)), options, operation)
    {
    }

    /// <param name="send">Sends one batch; must answer index for index. A thrown exception fails the whole batch.</param>
    /// <param name="operation">Tags this coalescer's <see cref="ClientMetrics"/>.</param>
    public RequestCoalescer(Func<TRequest[], Task<IBatchAnswers<TResult>>> send, CoalescingOptions options, string operation = "batch")
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchesInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StalledResumeTimeout, TimeSpan.Zero);
        _send = send;
        _maxBatch = options.MaxBatchSize;
        _stalledResumeTimeout = options.StalledResumeTimeout;
        _operationTag = new(ReadOperations.Tag, operation);
        _lanes = new Lane[options.MaxBatchesInFlight];
        for (var i = 0; i < _lanes.Length; i++) _lanes[i] = new Lane(this);
    }

    public ValueTask<TResult> Enqueue(TRequest request, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<TResult>(cancellationToken);
        var pending = PendingPool.Rent() ?? new Pending();
        var answer = pending.Start(request, cancellationToken);
        if (t_resuming is { } resuming && resuming.Owner == this)
        {
            resuming.Queue.Enqueue(pending); // leaves when the lane has resumed all its callers
            return answer;
        }
        var lane = PickLane();
        lane.Queue.Enqueue(pending);
        lane.TrySend();
        return answer;
    }

    private Lane PickLane()
    {
        foreach (var lane in _lanes)
            if (lane.IsIdle) return lane;
        return _lanes[(uint)Interlocked.Increment(ref _nextLane) % (uint)_lanes.Length];
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

    /// <summary>One batched call at a time, and the requests waiting for it.</summary>
    private sealed class Lane(RequestCoalescer<TRequest, TResult> owner)
    {
        public readonly ConcurrentQueue<Pending> Queue = new();
        private int _busy; // a batch of this lane is in flight, or its callers are being resumed
        private int _resumePass; // counts resume passes (begin and end), so the watchdog can tell whether its pass is over
        private int _armedPass;
        private Timer? _watchdog;
        private readonly List<Pending> _batch = [];

        public RequestCoalescer<TRequest, TResult> Owner => owner;

        public bool IsIdle => Volatile.Read(ref _busy) == 0;

        public void TrySend()
        {
            while (!Queue.IsEmpty)
            {
                if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return; // the lane sends these once it is free
                // One list per lane, reused: its previous batch was fully resumed before the lane was freed.
                var batch = _batch;
                batch.Clear();
                Drain(batch);
                if (batch.Count == 0)
                {
                    // Every queued request was cancelled, or another thread drained first: free the lane, look again.
                    Free();
                    continue;
                }
                _ = owner.SendAsync(this, batch, ownsLane: true);
                return;
            }
        }

        public void BeginResuming()
        {
            _armedPass = Interlocked.Increment(ref _resumePass);
            _watchdog ??= new Timer(static state => ((Lane)state!).OnResumeStalled(), this, Timeout.Infinite, Timeout.Infinite);
            _watchdog.Change(owner._stalledResumeTimeout, Timeout.InfiniteTimeSpan);
        }

        public void EndResuming()
        {
            Interlocked.Increment(ref _resumePass); // a watchdog firing from now on finds a pass that is over
            _watchdog!.Change(Timeout.Infinite, Timeout.Infinite);
            Free();
            TrySend();
        }

        // The resume pass is taking far longer than resuming callers does (one blocked in its continuation): send what
        // its callers asked for so far as a batch of its own, which does not hold the lane.
        private void OnResumeStalled()
        {
            if (Volatile.Read(ref _resumePass) != _armedPass) return;
            var batch = new List<Pending>();
            Drain(batch);
            if (batch.Count > 0) _ = owner.SendAsync(this, batch, ownsLane: false);
            _watchdog!.Change(owner._stalledResumeTimeout, Timeout.InfiniteTimeSpan); // still stalled: look again later
        }

        // A full fence, not a release: a request queued by another thread just as the lane frees must be seen either by
        // this thread's next look at the queue or by that thread's attempt to take the lane.
        private void Free() => Interlocked.Exchange(ref _busy, 0);

        private void Drain(List<Pending> batch)
        {
            while (batch.Count < owner._maxBatch && Queue.TryDequeue(out var pending))
                if (!pending.IsCancelled) batch.Add(pending); // cancelled while queued: never sent
        }
    }

    private async Task SendAsync(Lane lane, List<Pending> batch, bool ownsLane)
    {
        IBatchAnswers<TResult>? answers = null;
        Exception? failure = null;
        var answeredAtOnce = true; // also when the sender throws instead of returning a task
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            var requests = new TRequest[batch.Count];
            for (var i = 0; i < requests.Length; i++) requests[i] = batch[i].Request;
            var sending = _send(requests);
            answeredAtOnce = sending.IsCompleted;
            answers = await sending.ConfigureAwait(false);
            if (answers.Count != batch.Count)
                failure = new InvalidOperationException($"A batch of {batch.Count} requests was answered with {answers.Count} answers.");
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        ClientMetrics.BatchSize.Record(batch.Count, _operationTag);
        ClientMetrics.BatchRoundTrip.Record(ClientMetrics.MillisecondsSince(sentAt), _operationTag);
        var completion = new BatchCompletion(ownsLane ? lane : null, batch, answers, failure, _operationTag);
        // A batch answered later resumes its callers right here: Orleans completes a grain call on a thread-pool work
        // item of its own, so this is not its connection's receive loop, and one more hop per batch (or per chunk of
        // callers) would only add hand-offs (docs/decisions/0012-client-coalescer-lanes.md).
        // A batch answered at once (an in-process sender, a failure before sending) would otherwise resume other
        // callers inside this caller's Enqueue, and their next requests inside that: one hop keeps the stack flat.
        if (answeredAtOnce) ThreadPool.UnsafeQueueUserWorkItem(completion, preferLocal: false);
        else completion.Execute();
    }

    /// <summary>Resumes a batch's callers in order, each with its answer or error (continuations run inline).</summary>
    /// <param name="lane">The lane this batch holds, freed after its callers resumed; null for a batch sent past a stalled pass.</param>
    private sealed class BatchCompletion(Lane? lane, List<Pending> batch, IBatchAnswers<TResult>? answers, Exception? failure,
        KeyValuePair<string, object?> operationTag) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            var startedAt = Stopwatch.GetTimestamp();
            ExceptionDispatchInfo? thrown = null;
            var outer = t_resuming;
            if (lane is not null)
            {
                t_resuming = lane;
                lane.BeginResuming();
            }
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    if (failure is not null) batch[i].Fail(failure);
                    else if (answers!.TryGet(i, out var value) is { } error) batch[i].Fail(error);
                    else batch[i].Complete(value);
                }
                catch (Exception ex)
                {
                    // A continuation that throws (not an await: those capture) must not strand the callers after it.
                    thrown ??= ExceptionDispatchInfo.Capture(ex);
                }
            }
            ClientMetrics.BatchResume.Record(ClientMetrics.MillisecondsSince(startedAt), operationTag);
            if (lane is not null)
            {
                t_resuming = outer;
                lane.EndResuming();
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
