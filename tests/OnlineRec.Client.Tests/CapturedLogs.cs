using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OnlineRec.Client.Tests;

/// <summary>Keeps the in-process silo's warnings and errors so a failing end-to-end test can say what the server saw.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    public override string ToString() => _lines.IsEmpty ? "(silo logged no warnings)" : "silo log:\n" + string.Join("\n", _lines.TakeLast(30));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n  " + exception)}");
        }
    }
}
