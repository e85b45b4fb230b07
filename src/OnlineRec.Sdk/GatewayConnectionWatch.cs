namespace OnlineRec.Sdk;

/// <summary>
/// Ends the typed client's calls that are outstanding when a gateway connection closes. The Orleans client itself
/// waits for the answer to a request sent through a gateway that died until its response timeout (30 s by default:
/// every in-flight call in the silo-kill runs of BENCHMARKS.md), because nothing fails the calls of a dropped gateway
/// connection. Each attempt the typed client makes is linked to <see cref="Current"/>; a closing gateway connection
/// cancels that token (and replaces it), so every attempt outstanding at that moment ends at once and is resent:
/// reads are idempotent, and a rating batch carries an idempotency key. Attempts that went through a healthy gateway
/// are resent too, because the client cannot tell which gateway carried a call; that costs them one more round trip.
/// </summary>
public sealed class GatewayConnectionWatch : IClusterConnectionStatusObserver
{
    private CancellationTokenSource _current = new();
    private long _losses;

    /// <summary>Cancelled when a gateway connection closes; link each attempt to the token read when it starts.</summary>
    public CancellationToken Current => Volatile.Read(ref _current).Token;

    /// <summary>Gateway connections lost since the client started.</summary>
    public long Losses => Interlocked.Read(ref _losses);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways) SignalLoss();
    }

    // Losing the last gateway is also reported as a count change, which already signals.
    public void NotifyClusterConnectionLost()
    {
    }

    /// <summary>Ends every attempt linked to the current token; attempts started from now on get a fresh one.</summary>
    public void SignalLoss()
    {
        var lost = Interlocked.Exchange(ref _current, new CancellationTokenSource());
        Interlocked.Increment(ref _losses);
        // Not on Orleans' connection loop: cancelling resumes the callers' continuations. The source is not disposed,
        // because an attempt may still be linking to its token.
        ThreadPool.UnsafeQueueUserWorkItem(static source => source.Cancel(), lost, preferLocal: false);
    }
}

/// <summary>
/// A call's gateway connection closed before it was answered, and it was resent as often as allowed. The call may or
/// may not have run: resending a rating batch with the same idempotency key is always safe.
/// </summary>
public sealed class GatewayConnectionLostException(string message, Exception? inner = null) : Exception(message, inner);
