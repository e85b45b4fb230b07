using System.Net;
using System.Net.Sockets;
using OnlineRec.Sdk;

namespace OnlineRec.Client.Http;

/// <summary>
/// Retries an operation on transient failures (connection errors, timeouts, 5xx/408/429, and the .NET client's
/// transient Orleans failures once its own resends are spent) with exponential backoff
/// and jitter. A 4xx (<see cref="ApiProblemException"/>) or the caller's own cancellation is never retried. Safe for
/// rating batches only because each carries an idempotency key: a retry of a batch the server already stored is
/// answered with the original sequences and stores nothing.
/// </summary>
public sealed record RetryPolicy
{
    public static RetryPolicy None { get; } = new() { Retries = 0 };

    /// <summary>Attempts after the first.</summary>
    public int Retries { get; init; } = 5;

    /// <summary>Delay before the first retry; doubled each time, capped at <see cref="MaxDelay"/>, ±25 % jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="operation"/>; <paramref name="onRetry"/> hears of each failed attempt that will be retried.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default,
        Action<int, Exception>? onRetry = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken);
            }
            catch (Exception ex) when (attempt < Retries && IsTransient(ex, cancellationToken))
            {
                onRetry?.Invoke(attempt + 1, ex);
                await Task.Delay(DelayBefore(attempt + 1), cancellationToken);
            }
        }
    }

    /// <summary>The pause before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan DelayBefore(int retry) => Backoff.Jittered(BaseDelay, MaxDelay, retry);

    /// <summary>Whether trying again could succeed: not a refusal by the server, not the caller giving up.</summary>
    public static bool IsTransient(Exception ex, CancellationToken callerToken) => ex switch
    {
        ApiProblemException => false,
        OperationCanceledException when callerToken.IsCancellationRequested => false,
        OperationCanceledException => true, // HttpClient timeout
        TimeoutException => true,
        HttpRequestException { StatusCode: null } => true, // connection refused/reset, DNS, TLS
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        IOException or SocketException => true,
        _ => TransientCallFailures.Classify(ex, CancellationToken.None, callerToken) is not null, // the .NET client's Orleans failures
    };
}
