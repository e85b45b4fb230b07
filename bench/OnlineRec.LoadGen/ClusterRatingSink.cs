using OnlineRec.Abstractions;
using OnlineRec.Client.Ingestion;
using OnlineRec.Sdk;

namespace OnlineRec.LoadGen;

/// <summary>Sends batches through the typed .NET client (one grain call per batch, same path as REST behind it).</summary>
public sealed class ClusterRatingSink(OnlineRecClient client) : IRatingSink
{
    public async Task<BatchAck> SendAsync(OutgoingBatch batch, CancellationToken cancellationToken)
    {
        var inputs = new RatingInput[batch.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var r = batch.Ratings[i];
            inputs[i] = new RatingInput(r.User, r.Item, r.Value, r.Timestamp);
        }
        var result = await client.IngestAsync(inputs, batch.IdempotencyKey).WaitAsync(cancellationToken);
        return new BatchAck(result.Accepted, result.FirstSequence, result.LastSequence, result.Duplicate);
    }
}
