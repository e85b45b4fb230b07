using System.Diagnostics;
using System.Diagnostics.Metrics;
using OnlineRec.Abstractions;

namespace OnlineRec.Grains.Serving;

/// <summary>
/// The serving grain's batched reads as <see cref="System.Diagnostics.Metrics"/> instruments on the meter
/// <see cref="MeterName"/>, tagged like the client's (<see cref="ReadOperations"/>). Together with the client's
/// <c>onlinerec.client.batch.round_trip</c> they split a batch's round trip into the silo's own work and everything
/// around it (both network legs, Orleans' scheduling).
/// </summary>
public static class ServingMetrics
{
    public const string MeterName = "OnlineRec.Serving";
    public const string BatchDurationName = "onlinerec.serving.batch.duration";
    public const string BatchSizeName = "onlinerec.serving.batch.size";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(BatchDurationName, "ms",
        "Time the serving grain took to answer one batched call, from its arrival at the grain to its answer.");
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(BatchSizeName, "{request}",
        "Requests in one batched call answered by the serving grain.");

    internal static readonly KeyValuePair<string, object?> Predict = new(ReadOperations.Tag, ReadOperations.Predict);
    internal static readonly KeyValuePair<string, object?> Recommend = new(ReadOperations.Tag, ReadOperations.Recommend);

    /// <summary>Records the batch when its answer is ready (at once for the usual, synchronously answered batch).</summary>
    internal static Task<T> Observe<T>(Task<T> answer, long startedAt, int size, KeyValuePair<string, object?> operation)
    {
        if (answer.IsCompleted)
        {
            Record(startedAt, size, operation);
            return answer;
        }
        return ObserveAsync(answer, startedAt, size, operation);
    }

    private static async Task<T> ObserveAsync<T>(Task<T> answer, long startedAt, int size, KeyValuePair<string, object?> operation)
    {
        try
        {
            return await answer;
        }
        finally
        {
            Record(startedAt, size, operation);
        }
    }

    private static void Record(long startedAt, int size, KeyValuePair<string, object?> operation)
    {
        BatchSize.Record(size, operation);
        BatchDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds, operation);
    }
}
