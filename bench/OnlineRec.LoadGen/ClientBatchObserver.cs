using System.Diagnostics;
using System.Diagnostics.Metrics;
using OnlineRec.Abstractions;
using OnlineRec.Sdk;

namespace OnlineRec.LoadGen;

/// <summary>What the typed client's batching did during one measured run (<see cref="ClientMetrics"/>).</summary>
/// <param name="RoundTrip">Per batch, sending until answered (ns): both network legs and the silo's work.</param>
/// <param name="Resume">Per batch, resuming its callers (ns): a caller's latency includes the callers resumed before it.</param>
public sealed record ClientBatchStats(long Batches, long Requests, LatencyHistogram RoundTrip, LatencyHistogram Resume)
{
    public double MeanSize => Batches > 0 ? (double)Requests / Batches : 0;
}

/// <summary>
/// Listens to the client's batching instruments for one operation (<c>predict</c> or <c>recommend</c>) while a query
/// run lasts, ignoring the warm-up. A latency from the closed loop says how long requests took; this says where a
/// batch spent it: on the round trip (network and silo) or waiting for its neighbours to resume.
/// </summary>
public sealed class ClientBatchObserver : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _operation;
    private readonly long _measureFrom;
    private readonly Lock _gate = new(); // measurements arrive from every thread, a few thousand per second
    private readonly LatencyHistogram _roundTrip = new();
    private readonly LatencyHistogram _resume = new();
    private long _batches;
    private long _requests;

    public ClientBatchObserver(string operation, TimeSpan warmup)
    {
        _operation = operation;
        _measureFrom = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClientMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnDuration);
        _listener.SetMeasurementEventCallback<int>(OnSize);
        _listener.Start();
    }

    public ClientBatchStats Snapshot()
    {
        lock (_gate)
        {
            var roundTrip = new LatencyHistogram();
            roundTrip.Add(_roundTrip);
            var resume = new LatencyHistogram();
            resume.Add(_resume);
            return new ClientBatchStats(_batches, _requests, roundTrip, resume);
        }
    }

    public void Dispose() => _listener.Dispose();

    private bool Counts(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Stopwatch.GetTimestamp() < _measureFrom) return false;
        foreach (var tag in tags)
            if (tag.Key == ReadOperations.Tag) return tag.Value as string == _operation;
        return false;
    }

    private void OnDuration(Instrument instrument, double milliseconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!Counts(tags)) return;
        var histogram = instrument.Name switch
        {
            ClientMetrics.BatchRoundTripName => _roundTrip,
            ClientMetrics.BatchResumeName => _resume,
            _ => null,
        };
        if (histogram is null) return;
        lock (_gate) histogram.Record((long)(milliseconds * 1e6));
    }

    private void OnSize(Instrument instrument, int requests, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name != ClientMetrics.BatchSizeName || !Counts(tags)) return;
        lock (_gate)
        {
            _batches++;
            _requests += requests;
        }
    }
}
