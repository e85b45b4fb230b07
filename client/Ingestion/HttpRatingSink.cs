using OnlineRec.Api.Contracts;
using OnlineRec.Client.Http;

namespace OnlineRec.Client.Ingestion;

/// <summary>Sends batches as POST /ratings with the batch's Idempotency-Key header.</summary>
public sealed class HttpRatingSink(OnlineRecHttpClient http) : IRatingSink
{
    public async Task<BatchAck> SendAsync(OutgoingBatch batch, CancellationToken cancellationToken)
    {
        var dtos = new RatingDto[batch.Count];
        for (var i = 0; i < dtos.Length; i++)
        {
            var r = batch.Ratings[i];
            dtos[i] = new RatingDto(r.User, r.Item, r.Value, r.Timestamp);
        }
        var accepted = await http.PostRatingsAsync(dtos, batch.IdempotencyKey, cancellationToken);
        return new BatchAck(accepted.Accepted, accepted.FirstSequence, accepted.LastSequence, accepted.Duplicate);
    }
}
