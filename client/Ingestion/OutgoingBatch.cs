using OnlineRec.Core.Model;

namespace OnlineRec.Client.Ingestion;

/// <summary>
/// One batch on its way to the server: its 0-based index in the stream, its ratings, the idempotency key that makes
/// re-sending it harmless, and (for files) the line range it was read from — 0 when it was generated.
/// </summary>
public sealed record OutgoingBatch(long Index, RatingEvent[] Ratings, string IdempotencyKey, long FirstLine = 0, long LastLine = 0)
{
    public int Count => Ratings.Length;
}

/// <summary>The server's answer for one batch: how many were stored, under which sequences, or that it was a repeat.</summary>
public sealed record BatchAck(int Accepted, long FirstSequence, long LastSequence, bool Duplicate);

/// <summary>Where batches go: the REST API or the .NET client. Throws on failure (transient or not).</summary>
public interface IRatingSink
{
    Task<BatchAck> SendAsync(OutgoingBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Does now whatever per-batch work can be done before sending (the load generator calls it before its clock
    /// starts, so that it measures the server, not its own encoding). Must not be called while sending.
    /// </summary>
    void Prepare(IReadOnlyList<OutgoingBatch> batches) { }
}
