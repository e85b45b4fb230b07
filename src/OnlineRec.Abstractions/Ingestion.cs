using Orleans.Concurrency;

namespace OnlineRec.Abstractions;

/// <summary>A rating as a client submits it. Timestamp: Unix seconds (0 = now).</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.rating-input")]
public sealed record RatingInput(string User, string Item, double Value, long Timestamp = 0);

/// <summary>Why one entry of a batch was refused (its 0-based index in the batch).</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.rating-rejection")]
public sealed record RatingRejection(int Index, string Reason);

/// <summary>
/// Outcome of an ingest call. Either every rating was durably logged (Rejections empty) or none was.
/// Duplicate: the idempotency key was seen before; the original sequences are returned and nothing was stored again.
/// </summary>
[GenerateSerializer, Immutable, Alias("onlinerec.ingest-result")]
public sealed record IngestResult(int Accepted, long FirstSequence, long LastSequence, bool Duplicate, RatingRejection[] Rejections)
{
    public bool IsAccepted => Rejections.Length == 0;
}

/// <summary>Entry point for ratings from .NET clients: validates, logs durably, then publishes on the rating stream.</summary>
[Alias("onlinerec.ingest")]
public interface IRatingIngestGrain : IGrainWithIntegerKey
{
    /// <param name="cancellationToken">Lets the caller stop waiting (the typed client does when the call's gateway
    /// connection closes). The silo finishes the batch regardless: the caller resends it with the same key.</param>
    [Alias("Ingest")]
    Task<IngestResult> Ingest(RatingInput[] ratings, string? idempotencyKey, CancellationToken cancellationToken = default);
}

/// <summary>
/// Silo-local reads answered from this silo's replicas: similar items, and batched predictions and recommendations
/// (what the .NET client coalesces concurrent calls into). Users whose grain is not active on the answering silo, or
/// has not yet adopted the installed model version, are answered by their user grain, so answers are never older
/// than the grain's last completed rating batch. The batched reads take a cancellation token only so that the caller
/// can stop waiting (the typed client does when the call's gateway connection closes); a batch is answered in well under
/// a millisecond, so the silo does not watch it.
/// </summary>
[Alias("onlinerec.serving")]
public interface IServingGrain : IGrainWithIntegerKey
{
    [ReadOnly, Alias("Similar")]
    Task<ScoredItem[]> Similar(string item, int count);

    [ReadOnly, Alias("PredictBatch")]
    Task<PredictionAnswers> PredictBatch(PredictionQuery query, CancellationToken cancellationToken = default);

    [ReadOnly, Alias("RecommendBatch")]
    Task<RecommendationAnswers> RecommendBatch(RecommendationQuery query, CancellationToken cancellationToken = default);
}
