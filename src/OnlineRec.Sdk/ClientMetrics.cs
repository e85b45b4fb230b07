using System.Diagnostics;
using System.Diagnostics.Metrics;
using OnlineRec.Abstractions;

namespace OnlineRec.Sdk;

/// <summary>
/// What the typed client's batching does, as <see cref="System.Diagnostics.Metrics"/> instruments on the meter
/// <see cref="MeterName"/> (collect them with OpenTelemetry's <c>AddMeter</c>, <c>dotnet-counters</c> or a
/// <see cref="MeterListener"/>). Every measurement is tagged <see cref="ReadOperations.Tag"/> with the operation.
/// While nobody listens, an instrument drops a value after checking for listeners.
/// </summary>
public static class ClientMetrics
{
    public const string MeterName = "OnlineRec.Client";
    public const string BatchSizeName = "onlinerec.client.batch.size";
    public const string BatchRoundTripName = "onlinerec.client.batch.round_trip";
    public const string BatchResumeName = "onlinerec.client.batch.resume";

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

    internal static double MillisecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
