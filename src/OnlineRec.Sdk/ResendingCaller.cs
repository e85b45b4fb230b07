using System.Runtime.ExceptionServices;
using OnlineRec.Abstractions;

namespace OnlineRec.Sdk;

/// <summary>
/// Runs a grain call, resending it after failures that may pass (<see cref="TransientCallFailures"/>) up to a number of
/// attempts. Each attempt is linked to the <see cref="GatewayConnectionWatch"/> token, so a closing gateway connection
/// ends it at once instead of after Orleans' response timeout. Only for calls that are safe to run twice.
/// </summary>
internal sealed class ResendingCaller(GatewayConnectionWatch? gateways, ClientResilienceOptions options)
{
    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> attempt, int attempts, string operation,
        CancellationToken cancellationToken = default)
    {
        for (var number = 1; ; number++)
        {
            var gatewayToken = gateways?.Current ?? CancellationToken.None;
            using var linked = cancellationToken.CanBeCanceled && gatewayToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, gatewayToken)
                : null;
            string? reason;
            Exception error;
            try
            {
                return await attempt(linked?.Token ?? (cancellationToken.CanBeCanceled ? cancellationToken : gatewayToken)).ConfigureAwait(false);
            }
            catch (Exception ex) when ((reason = TransientCallFailures.Classify(ex, gatewayToken, cancellationToken)) is not null)
            {
                error = ex;
            }
            if (number >= attempts)
            {
                if (reason == TransientCallFailures.GatewayLost && error is not GatewayConnectionLostException)
                    throw new GatewayConnectionLostException(
                        $"The gateway connection carrying this {operation} call closed before it was answered ({number} attempt(s)).", error);
                ExceptionDispatchInfo.Throw(error);
            }
            ClientMetrics.Resends.Add(1, new(ReadOperations.Tag, operation), new(ClientMetrics.ReasonTag, reason));
            await Task.Delay(options.BackoffBefore(number), cancellationToken).ConfigureAwait(false);
        }
    }
}
