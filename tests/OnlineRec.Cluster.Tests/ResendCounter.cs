using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OnlineRec.Abstractions;
using OnlineRec.Sdk;

namespace OnlineRec.Cluster.Tests;

/// <summary>Counts the typed client's resends (<see cref="ClientMetrics.ResendsName"/>) by operation and reason.</summary>
public sealed class ResendCounter : IDisposable
{
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<(string Operation, string Reason), long> _counts = new();

    public ResendCounter()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Name == ClientMetrics.ResendsName) l.EnableMeasurementEvents(instrument); },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string operation = "?", reason = "?";
            foreach (var tag in tags)
            {
                if (tag.Key == ReadOperations.Tag) operation = tag.Value as string ?? "?";
                if (tag.Key == ClientMetrics.ReasonTag) reason = tag.Value as string ?? "?";
            }
            _counts.AddOrUpdate((operation, reason), value, (_, n) => n + value);
        });
        _listener.Start();
    }

    public long Count(string operation, string reason) => _counts.GetValueOrDefault((operation, reason));

    public override string ToString() => _counts.IsEmpty
        ? "none"
        : string.Join("; ", _counts.OrderBy(c => c.Key).Select(c => $"{c.Key.Operation}/{c.Key.Reason} ×{c.Value}"));

    public void Dispose() => _listener.Dispose();
}
