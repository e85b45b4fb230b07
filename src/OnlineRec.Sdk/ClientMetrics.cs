using System.Diagnostics;
using System.Diagnostics.Metrics;
using OnlineRec.Abstractions;

namespace OnlineRec.Sdk;

/// <summary>
/// What the typed client's batching does, as <see cref="System.Diagnostics.Metrics"/> instruments on the meter
/// <see cref="MeterName"/> (collect them with OpenTelemetry's <c>AddMeter</c>, <c>dotnet-counters</c> or a
/// <see cref="MeterListener"/>). Every measurement is tagged <see cref="ReadOperations.Tag"/> with the operation
/// (<see cref="ReadOperations"/>, or <see cref="IngestOperation"/>).
/// While nobody listens, an instrument drops a value after checking for listeners.
/// </summary>
public static class ClientMetrics
{
    public const string MeterName = "OnlineRec.Client";
    public const string BatchSizeName = "onlinerec.client.batch.size";
    public const string BatchRoundTripName = "onlinerec.client.batch.round_trip";
    public const string BatchResumeName = "onlinerec.client.batch.resume";
    public const string ResendsName = "onlinerec.client.resends";

    /// <summary>The <see cref="ReadOperations.Tag"/> value of rating batches.</summary>
    public const string IngestOperation = "ingest";

    /// <summary>Tags <see cref="Resends"/> with the failure's kind (<see cref="TransientCallFailures"/>).</summary>
    public const string ReasonTag = "reason";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Requests per batched call.</summary>
    internal static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(BatchSizeName, "{request}",
        "Requests in one batched call to the serving grain.");

    /// <summary>From handing a batch to Orleans until its answer is back: both network legs and the silo's work.</summary>
    internal static readonly Histogram<double> BatchRoundTrip = Meter.CreateHistogram<double>(BatchRoundTripName, "ms",
        "Time from sending a batched call until its answer arrived.");

    /// <summary>Resuming a batch's callers, in order: the last one waits for all the others' continuations.</summary>
    internal static readonly Histogram<double> BatchResume = Meter.CreateHistogram<double>(BatchResumeName, "ms",
        "Time to resume every caller of an answered batch.");

    /// <summary>Attempts that failed for a reason that may pass and were sent again, tagged with operation and reason.</summary>
    internal static readonly Counter<long> Resends = Meter.CreateCounter<long>(ResendsName, "{call}",
        "Failed attempts the client sent again (a gateway connection closed, a silo was unavailable, a timeout).");

    internal static double MillisecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
