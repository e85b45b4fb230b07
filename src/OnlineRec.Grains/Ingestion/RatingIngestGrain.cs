using OnlineRec.Abstractions;
using Orleans.Concurrency;

namespace OnlineRec.Grains.Ingestion;

/// <summary>The .NET client's door to <see cref="RatingIngestor"/>: one local activation per silo and core.</summary>
[StatelessWorker]
public sealed class RatingIngestGrain(RatingIngestor ingestor) : Grain, IRatingIngestGrain
{
    public Task<IngestResult> Ingest(RatingInput[] ratings, string? idempotencyKey) =>
        ingestor.IngestAsync(ratings, idempotencyKey);
}
