using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnlineRec.LoadGen;

/// <summary>One row of a load run's output (a table row, and an element of the --json array). Times in milliseconds.</summary>
public sealed record LoadReport
{
    public required string Scenario { get; init; }
    public required string Via { get; init; }
    public required int Concurrency { get; init; }
    public long Requests { get; init; }
    public long Errors { get; init; }
    public double Seconds { get; init; }

    /// <summary>Requests per second (queries) or batches per second (ingest).</summary>
    public double Throughput { get; init; }

    public double? P50Ms { get; init; }
    public double? P90Ms { get; init; }
    public double? P99Ms { get; init; }
    public double? MaxMs { get; init; }
    public double? MeanMs { get; init; }

    /// <summary>Collections (all generations) in the load generator during warm-up and run, and their total pause.</summary>
    public int? GeneratorGcs { get; init; }
    public double? GeneratorGcPauseMs { get; init; }

    /// <summary>Bytes the load generator (with its client) allocated per request sent, warm-up included.</summary>
    public double? GeneratorBytesPerRequest { get; init; }

    // Queries via the .NET client only (ClientBatchObserver): how its batching went.
    public long? ClientBatches { get; init; }
    public double? ClientBatchMeanSize { get; init; }
    public double? ClientBatchRoundTripP50Ms { get; init; }
    public double? ClientBatchRoundTripP99Ms { get; init; }
    public double? ClientBatchResumeP50Ms { get; init; }
    public double? ClientBatchResumeP99Ms { get; init; }

    // Ingest only.
    public long? Ratings { get; init; }
    public int? BatchSize { get; init; }

    /// <summary>Ratings acknowledged (durably logged) per second, first send to last acknowledgement.</summary>
    public double? AckedRatingsPerSecond { get; init; }

    /// <summary>First send until every rating was applied by its grains; null when that was not observed in time.</summary>
    public double? LearnedSeconds { get; init; }

    public double? LearnedRatingsPerSecond { get; init; }

    /// <summary>Last acknowledgement until learned: how long the stream took to drain.</summary>
    public double? DrainSeconds { get; init; }

    public string? Note { get; init; }

    /// <summary>Queries only: every second of the run, warm-up included (<see cref="SecondOfRun"/>).</summary>
    public IReadOnlyList<SecondOfRun>? Timeline { get; init; }

    /// <summary>This row with the client's batching figures added.</summary>
    public LoadReport WithClientBatches(ClientBatchStats batches) => this with
    {
        ClientBatches = batches.Batches,
        ClientBatchMeanSize = batches.MeanSize,
        ClientBatchRoundTripP50Ms = Milliseconds(batches.RoundTrip.ValueAtPercentile(50)),
        ClientBatchRoundTripP99Ms = Milliseconds(batches.RoundTrip.ValueAtPercentile(99)),
        ClientBatchResumeP50Ms = Milliseconds(batches.Resume.ValueAtPercentile(50)),
        ClientBatchResumeP99Ms = Milliseconds(batches.Resume.ValueAtPercentile(99)),
    };

    public static string ToJson(IReadOnlyList<LoadReport> reports) => JsonSerializer.Serialize(reports.ToArray(), LoadJsonContext.Default.LoadReportArray);

    public static double Milliseconds(long nanoseconds) => nanoseconds / 1e6;

    /// <summary>A query scenario's row from its closed-loop result.</summary>
    public static LoadReport ForQueries(string scenario, string via, int concurrency, QueryRunResult run) => new()
    {
        Scenario = scenario,
        Via = via,
        Concurrency = concurrency,
        Requests = run.Requests,
        Errors = run.Errors,
        Seconds = run.Elapsed.TotalSeconds,
        Throughput = run.Throughput,
        P50Ms = Milliseconds(run.Latency.ValueAtPercentile(50)),
        P90Ms = Milliseconds(run.Latency.ValueAtPercentile(90)),
        P99Ms = Milliseconds(run.Latency.ValueAtPercentile(99)),
        MaxMs = Milliseconds(run.Latency.Max),
        MeanMs = run.Latency.Mean / 1e6,
        GeneratorGcs = run.GeneratorGc.Collections,
        GeneratorGcPauseMs = run.GeneratorGc.Paused.TotalMilliseconds,
        GeneratorBytesPerRequest = run.Sent > 0 ? (double)run.GeneratorGc.AllocatedBytes / run.Sent : null,
        Note = run.FirstError is null ? null : $"first error: {run.FirstError}",
        Timeline = run.Timeline,
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LoadReport[]))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
