using OnlineRec.Api.Contracts;
using OnlineRec.Client.Http;

namespace OnlineRec.Client.Ingestion;

/// <summary>Sends batches as POST /ratings with the batch's Idempotency-Key header.</summary>
public sealed class HttpRatingSink(OnlineRecHttpClient http) : IRatingSink
{
    private readonly Dictionary<OutgoingBatch, byte[]> _prepared = new(ReferenceEqualityComparer.Instance);

    /// <summary>Encodes the bodies now, so that sending them later costs only the HTTP exchange.</summary>
    public void Prepare(IReadOnlyList<OutgoingBatch> batches)
    {
        foreach (var batch in batches) _prepared[batch] = Encode(batch);
    }

    public async Task<BatchAck> SendAsync(OutgoingBatch batch, CancellationToken cancellationToken)
    {
        var body = _prepared.GetValueOrDefault(batch) ?? Encode(batch); // read-only while sending: no lock needed
        var accepted = await http.PostRatingsAsync(body, batch.IdempotencyKey, cancellationToken);
        return new BatchAck(accepted.Accepted, accepted.FirstSequence, accepted.LastSequence, accepted.Duplicate);
    }

    private static byte[] Encode(OutgoingBatch batch)
    {
        var dtos = new RatingDto[batch.Count];
        for (var i = 0; i < dtos.Length; i++)
        {
            var r = batch.Ratings[i];
            dtos[i] = new RatingDto(r.User, r.Item, r.Value, r.Timestamp);
        }
        return OnlineRecHttpClient.EncodeRatings(dtos);
    }
}
