using System.Diagnostics;
using OnlineRec.Client.Ingestion;
using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.LoadGen;

/// <summary>Shape of the ingest scenario: synthetic ratings pushed as fast as the server acknowledges them.</summary>
public sealed record IngestLoadOptions
{
    public int Ratings { get; init; } = 500_000;
    public int Users { get; init; } = 10_000;
    public int Items { get; init; } = 2_000;
    public int BatchSize { get; init; } = 5_000;

    /// <summary>Batches in flight.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Prefix of generated user and item ids (the query scenarios ask about the same ids).</summary>
    public string IdPrefix { get; init; } = "load-";

    public int Seed { get; init; } = 7;

    /// <summary>How long to wait, after the last acknowledgement, for the grains to apply everything.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>
/// The ingest scenario: generated ratings sent in batches through a sink (REST or .NET client), then — when a cluster
/// connection is available — a wait until the grains learned them all (<see cref="LearnedProbe"/>).
/// </summary>
public sealed class IngestLoad(IngestLoadOptions options)
{
    /// <summary>The synthetic events with prefixed ids, in time order.</summary>
    public RatingEvent[] Generate()
    {
        var users = options.Users;
        var perUserCap = Math.Max(1, options.Items / 2);
        if ((long)options.Ratings > (long)users * perUserCap)
            throw new ArgumentException($"{options.Ratings} ratings do not fit {users} users × {options.Items} items (each user rates at most half the items); add users or items.");
        var dataset = SyntheticRatings.Generate(new SyntheticRatingsOptions
        {
            Users = users,
            Items = options.Items,
            Ratings = options.Ratings,
            MinRatingsPerUser = Math.Min(5, options.Ratings / users),
            Seed = options.Seed,
        });
        return GeneratedBatches.WithIdPrefix(dataset.Events, options.IdPrefix);
    }

    public async Task<LoadReport> RunAsync(string via, IRatingSink sink, LearnedProbe? probe, CancellationToken cancellationToken)
    {
        var events = Generate();
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in events) expected[e.User] = expected.GetValueOrDefault(e.User) + 1;
        var baseline = probe is null ? null : await probe.BaselineAsync(expected.Keys, cancellationToken);

        var prefix = IdempotencyKeys.RunPrefix("load");
        var batches = new List<OutgoingBatch>();
        await foreach (var batch in GeneratedBatches.From(events, options.BatchSize, prefix)) batches.Add(batch);
        sink.Prepare(batches);
        var clock = Stopwatch.StartNew();
        var pipeline = new BatchPipeline(sink, new PipelineOptions { Parallelism = options.Concurrency });
        var result = await pipeline.RunAsync(batches.ToAsyncEnumerable(), cancellationToken: cancellationToken);
        var ackedAt = clock.Elapsed;
        if (result.SendFailure is { } failure)
            throw new InvalidOperationException($"Batch {failure.Batch.Index} failed: {failure.Error.GetBaseException().Message}", failure.Error);

        TimeSpan? learnedAt = null;
        string? note = null;
        if (probe is not null)
        {
            var (at, missing) = await probe.WaitAsync(baseline!, expected, clock, options.DrainTimeout, cancellationToken);
            learnedAt = at;
            if (at is null) note = $"{missing} SGD steps still missing after {options.DrainTimeout.TotalSeconds:F0} s";
        }
        else
        {
            note = "no gateway connection: acknowledged rate only";
        }

        return new LoadReport
        {
            Scenario = "ingest",
            Via = via,
            Concurrency = options.Concurrency,
            Requests = result.Batches,
            Seconds = ackedAt.TotalSeconds,
            Throughput = result.Batches / ackedAt.TotalSeconds,
            Ratings = result.Ratings,
            BatchSize = options.BatchSize,
            AckedRatingsPerSecond = result.Ratings / ackedAt.TotalSeconds,
            LearnedSeconds = learnedAt?.TotalSeconds,
            LearnedRatingsPerSecond = learnedAt is { } l ? result.Ratings / l.TotalSeconds : null,
            DrainSeconds = learnedAt is { } d ? (d - ackedAt).TotalSeconds : null,
            Note = note,
        };
    }
}
