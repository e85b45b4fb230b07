using Orleans.Runtime.Messaging;

namespace OnlineRec.Sdk;

/// <summary>Which failed attempts are worth resending, and the reason each is counted under in <see cref="ClientMetrics"/>.</summary>
public static class TransientCallFailures
{
    public const string GatewayLost = "gateway_lost";
    public const string SiloUnavailable = "silo_unavailable";
    public const string Rejected = "rejected";
    public const string ConnectionFailed = "connection_failed";
    public const string Timeout = "timeout";

    /// <summary>
    /// The reason to resend, or null when resending cannot help (the silo refused the request, it failed in grain code,
    /// or the caller cancelled). <paramref name="gatewayToken"/> is the watch token the attempt was linked to.
    /// </summary>
    public static string? Classify(Exception error, CancellationToken gatewayToken, CancellationToken callerToken) => error switch
    {
        _ when callerToken.IsCancellationRequested => null,
        OperationCanceledException when gatewayToken.IsCancellationRequested => GatewayLost,
        GatewayConnectionLostException => GatewayLost,
        SiloUnavailableException => SiloUnavailable, // the target silo died or is shutting down
        GatewayTooBusyException or OrleansMessageRejectionException => Rejected, // e.g. sent to a silo just declared dead
        ConnectionFailedException => ConnectionFailed,
        TimeoutException => Timeout, // Orleans' response timeout
        _ => null,
    };
}
