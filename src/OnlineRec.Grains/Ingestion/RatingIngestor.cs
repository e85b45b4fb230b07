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
    private readonly int _maxIdLength = modelOptions.Value.MaxIdLength;
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

    /// <summary>Every problem in the batch, by index; empty when the batch is acceptable.</summary>
    public RatingRejection[] Validate(IReadOnlyList<RatingInput>? ratings, string? idempotencyKey)
    {
        if (ratings is null || ratings.Count == 0) return [new RatingRejection(-1, "the batch holds no ratings")];
        if (ratings.Count > _maxBatch) return [new RatingRejection(-1, $"the batch holds {ratings.Count} ratings; at most {_maxBatch} are allowed per call")];
        if (idempotencyKey is { Length: > 256 }) return [new RatingRejection(-1, "the idempotency key is longer than 256 characters")];
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
        if (IdProblem(rating.User, "user") is { } userProblem) return userProblem;
        if (IdProblem(rating.Item, "item") is { } itemProblem) return itemProblem;
        if (rating.Timestamp < 0) return $"timestamp {rating.Timestamp} is negative";
        // A double that fits the scale must also survive the float the model stores.
        return _scale.Validate(rating.Value) ?? (float.IsFinite((float)rating.Value) ? null : "rating is not representable");
    }

    private string? IdProblem(string? id, string what)
    {
        if (string.IsNullOrWhiteSpace(id)) return $"{what} id is missing or blank";
        if (id.Length > _maxIdLength) return $"{what} id is {id.Length} characters long; at most {_maxIdLength} are allowed";
        foreach (var c in id)
            if (char.IsControl(c)) return $"{what} id contains a control character";
        return null;
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
