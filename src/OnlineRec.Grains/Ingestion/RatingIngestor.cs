using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Grains.Options;
using OnlineRec.Storage.RatingLog;
using Orleans.Runtime;
using Orleans.Streams;

namespace OnlineRec.Grains.Ingestion;

/// <summary>
/// The ingestion path shared by the REST API and the .NET client: validate the whole batch, append it to the rating
/// log (durable before we answer), then publish it on the rating stream, grouped by partition. A batch with any bad
/// entry is refused whole and nothing is stored.
/// </summary>
public sealed class RatingIngestor(
    IRatingLog ratingLog,
    IClusterClient clusterClient,
    IOptions<ModelOptions> modelOptions,
    IOptions<LearningOptions> learningOptions,
    TimeProvider time,
    ILogger<RatingIngestor> logger)
{
    private readonly RatingScale _scale = modelOptions.Value.ParsedScale();
    private readonly int _partitions = learningOptions.Value.StreamPartitions;
    private readonly int _maxBatch = learningOptions.Value.MaxBatchSize;
    private IStreamProvider? _streams;

    public async Task<IngestResult> IngestAsync(IReadOnlyList<RatingInput> ratings, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        var rejections = Validate(ratings, idempotencyKey);
        if (rejections.Length > 0) return new IngestResult(0, 0, 0, false, rejections);

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var events = new RatingEvent[ratings.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var r = ratings[i];
            events[i] = new RatingEvent(r.User, r.Item, (float)r.Value, r.Timestamp == 0 ? now : r.Timestamp);
        }

        AppendResult appended;
        try
        {
            appended = await ratingLog.AppendAsync(events, idempotencyKey, cancellationToken);
        }
        catch (IdempotencyKeyConflictException ex)
        {
            return new IngestResult(0, 0, 0, false, [new RatingRejection(-1, ex.Message)]);
        }
        if (!appended.WasDuplicate) await PublishAsync(events, appended.FirstSequence);
        return new IngestResult(events.Length, appended.FirstSequence, appended.LastSequence, appended.WasDuplicate, []);
    }

    /// <summary>
    /// Every problem in the batch, by index; empty when the batch is acceptable. Ids, the key and finiteness are
    /// <see cref="RatingRules"/>, the same rules the log applies, so a batch accepted here is never refused there.
    /// </summary>
    public RatingRejection[] Validate(IReadOnlyList<RatingInput>? ratings, string? idempotencyKey)
    {
        if (ratings is null || ratings.Count == 0) return [new RatingRejection(-1, "the batch holds no ratings")];
        if (ratings.Count > _maxBatch) return [new RatingRejection(-1, $"the batch holds {ratings.Count} ratings; at most {_maxBatch} are allowed per call")];
        if (RatingRules.IdempotencyKeyProblem(idempotencyKey) is { } keyProblem) return [new RatingRejection(-1, keyProblem)];
        List<RatingRejection>? problems = null;
        for (var i = 0; i < ratings.Count; i++)
        {
            var reason = ValidateOne(ratings[i]);
            if (reason is not null) (problems ??= []).Add(new RatingRejection(i, reason));
            if (problems is { Count: >= 20 }) break; // enough to act on; don't build a megabyte of errors
        }
        return problems?.ToArray() ?? [];
    }

    private string? ValidateOne(RatingInput? rating)
    {
        if (rating is null) return "the entry is null";
        return RatingRules.IdProblem(rating.User, "user")
               ?? RatingRules.IdProblem(rating.Item, "item")
               ?? (rating.Timestamp < 0 ? $"timestamp {rating.Timestamp} is negative" : null)
               ?? RatingRules.ValueProblem(rating.Value)
               ?? _scale.Validate(rating.Value);
    }

    private async Task PublishAsync(RatingEvent[] events, long firstSequence)
    {
        // Each partition's share as indices into the batch, packed straight from the events.
        var byPartition = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Length; i++)
        {
            var partition = StreamNames.PartitionOf(events[i].User, _partitions);
            if (!byPartition.TryGetValue(partition, out var list)) byPartition[partition] = list = [];
            list.Add(i);
        }
        _streams ??= clusterClient.GetStreamProvider(StreamNames.Provider);
        var sends = new List<Task>(byPartition.Count);
        foreach (var (partition, indices) in byPartition)
        {
            var stream = _streams.GetStream<RatingBatch>(StreamId.Create(StreamNames.RatingsNamespace, partition));
            var batch = RatingBatch.Of(indices.ToArray(), i => events[i].User, i => events[i].Item,
                i => (firstSequence + i, events[i].Value, events[i].Timestamp));
            sends.Add(stream.OnNextAsync(batch));
        }
        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception ex)
        {
            // Already durable: the ratings reach their users at the next activation or retrain; the client's ack stands.
            logger.LogWarning(ex, "Publishing {Count} logged ratings on the stream failed; they remain in the log.", events.Length);
        }
    }
}
