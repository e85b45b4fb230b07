using System.Text.Json;
using Microsoft.Diagnostics.Tracing;

// Usage: dotnet run -c Release --project bench/OnlineRec.TraceReport -- cpu   <trace.speedscope.json> [top=40] [frame-substring]
//        dotnet run -c Release --project bench/OnlineRec.TraceReport -- alloc <trace.nettrace> [top=25]
// cpu:   inclusive share of the samples in which a thread was running managed code (leaf pseudo-frame CPU_TIME), per
//        frame; with a substring, only samples whose stack holds a frame containing it (and shares of all samples).
// alloc: the runtime's AllocationTick events (one per ~100 KB allocated) summed by type.
var mode = args.ElementAtOrDefault(0);
var path = args.ElementAtOrDefault(1);
if (path is null || mode is not ("cpu" or "alloc"))
{
    Console.Error.WriteLine("usage: cpu <speedscope.json> [top] [frame-substring] | alloc <nettrace> [top]");
    return 2;
}
var top = int.TryParse(args.ElementAtOrDefault(2), out var t) ? t : mode == "cpu" ? 40 : 25;
if (mode == "cpu") CpuShares(path, top, args.ElementAtOrDefault(3));
else AllocationsByType(path, top);
return 0;

static void CpuShares(string path, int top, string? filter)
{
    using var document = JsonDocument.Parse(File.ReadAllBytes(path));
    var frames = document.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
        .Select(f => f.GetProperty("name").GetString() ?? "?").ToArray();
    var inclusive = new double[frames.Length];
    double busy = 0;
    var stack = new List<int>();
    var seen = new HashSet<int>();
    foreach (var profile in document.RootElement.GetProperty("profiles").EnumerateArray())
    {
        // Evented profiles: the time between two events belongs to the stack open in between.
        stack.Clear();
        double? last = null;
        foreach (var e in profile.GetProperty("events").EnumerateArray())
        {
            var at = e.GetProperty("at").GetDouble();
            if (last is { } from && stack.Count > 0 && frames[stack[^1]] == "CPU_TIME"
                && (filter is null || stack.Any(f => frames[f].Contains(filter, StringComparison.Ordinal))))
            {
                busy += at - from;
                seen.Clear();
                foreach (var f in stack) if (seen.Add(f)) inclusive[f] += at - from;
            }
            last = at;
            if (e.GetProperty("type").GetString() == "O") stack.Add(e.GetProperty("frame").GetInt32());
            else stack.RemoveAt(stack.Count - 1);
        }
    }
    Console.WriteLine($"running-managed samples{(filter is null ? "" : $" under '{filter}'")}: {busy / 1000:F1} thread-seconds");
    foreach (var (frame, ms) in frames.Zip(inclusive).OrderByDescending(p => p.Second).Take(top))
        Console.WriteLine($"{100 * ms / busy,7:F2} %  {frame}");
}

static void AllocationsByType(string path, int top)
{
    var byType = new Dictionary<string, long>(StringComparer.Ordinal);
    long total = 0;
    using (var source = new EventPipeEventSource(path))
    {
        source.Clr.GCAllocationTick += e =>
        {
            var type = e.TypeName ?? "?";
            byType[type] = byType.GetValueOrDefault(type) + e.AllocationAmount64;
            total += e.AllocationAmount64;
        };
        source.Process();
    }
    Console.WriteLine($"sampled allocations: {total / 1e6:F0} MB");
    foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(top))
        Console.WriteLine($"{100.0 * bytes / total,7:F2} %  {bytes / 1e6,8:F1} MB  {type}");
}
