namespace OnlineRec.Sdk;

/// <summary>How the typed client resends a call that failed for a reason that may pass (see <see cref="TransientCallFailures"/>).</summary>
public sealed record ClientResilienceOptions
{
    /// <summary>Attempts per rating batch, the first included. Every attempt carries the batch's idempotency key.</summary>
    public int IngestAttempts { get; init; } = 5;

    /// <summary>Attempts per batched read (predictions, recommendations), the first included.</summary>
    public int ReadAttempts { get; init; } = 2;

    /// <summary>Pause before the first resend; doubled for each further one, capped at <see cref="MaxBackoff"/>, ±25 % jitter.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    public static ClientResilienceOptions NoRetries { get; } = new() { IngestAttempts = 1, ReadAttempts = 1 };

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(IngestAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(FirstBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, FirstBackoff);
    }

    /// <summary>The pause before resend number <paramref name="resend"/> (1-based).</summary>
    public TimeSpan BackoffBefore(int resend) => Backoff.Jittered(FirstBackoff, MaxBackoff, resend);
}
