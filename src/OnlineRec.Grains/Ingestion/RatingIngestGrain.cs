using OnlineRec.Abstractions;
using Orleans.Concurrency;

namespace OnlineRec.Grains.Ingestion;

/// <summary>The .NET client's door to <see cref="RatingIngestor"/>: one local activation per silo and core.</summary>
[StatelessWorker]
public sealed class RatingIngestGrain(RatingIngestor ingestor) : Grain, IRatingIngestGrain
{
    // The token is the caller giving up; a batch that has started is logged and published all the same, and the
    // caller's resend with the same key is answered from the log.
    public Task<IngestResult> Ingest(RatingInput[] ratings, string? idempotencyKey, CancellationToken cancellationToken) =>
        ingestor.IngestAsync(ratings, idempotencyKey);
}
