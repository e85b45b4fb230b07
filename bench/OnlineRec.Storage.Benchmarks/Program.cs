using System.Diagnostics;
using System.Globalization;
using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite;

// Usage: dotnet run -c Release --project bench/OnlineRec.Storage.Benchmarks -- [append|read|model|all] [--ratings N] [--durability full|normal]
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var totalRatings = int.Parse(Option("--ratings") ?? "400000", CultureInfo.InvariantCulture);
var durability = (Option("--durability") ?? "full") == "normal" ? SqliteDurability.Normal : SqliteDurability.Full;
var root = Path.Combine(Path.GetTempPath(), "onlinerec-storage-bench", Guid.NewGuid().ToString("N"));

Console.WriteLine($"OnlineRec.Storage benchmarks: {Environment.ProcessorCount} cores, {RuntimeInfo()}, durability={durability}, data={root}");
try
{
    if (mode is "append" or "all")
        foreach (var batchSize in new[] { 100, 1000 })
            foreach (var appenders in new[] { 1, 8 })
                await AppendBenchmark.RunAsync(Dir($"append-{batchSize}-{appenders}"), durability, batchSize, appenders, totalRatings);
    if (mode is "read" or "all") await ReadBenchmark.RunAsync(Dir("read"), totalRatings);
    if (mode is "model" or "all") await ModelBenchmark.RunAsync(Dir("model"));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    try { Directory.Delete(root, recursive: true); } catch (IOException) { }
}

string Dir(string name) => Path.Combine(root, name);
string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
static string RuntimeInfo() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

internal static class Synthetic
{
    // Zipf-ish ids over 100k users × 20k items, like a real ingest stream (many repeat ids, long tail).
    public static RatingEvent[][] Batches(int total, int batchSize, int seed)
    {
        var random = new Random(seed);
        var batches = new RatingEvent[total / batchSize][];
        for (var b = 0; b < batches.Length; b++)
        {
            var batch = new RatingEvent[batchSize];
            for (var i = 0; i < batchSize; i++)
            {
                var user = (int)(100_000 * Math.Pow(random.NextDouble(), 2));
                var item = (int)(20_000 * Math.Pow(random.NextDouble(), 3));
                batch[i] = new RatingEvent($"user{user}", $"item{item}", random.Next(1, 6), 1_700_000_000 + b);
            }
            batches[b] = batch;
        }
        return batches;
    }
}

internal static class AppendBenchmark
{
    public static async Task RunAsync(string dir, SqliteDurability durability, int batchSize, int appenders, int totalRatings)
    {
        var batches = Synthetic.Batches(totalRatings, batchSize, seed: 42);
        var options = new SqliteStorageOptions { DataDirectory = dir, RatingLogDurability = durability };
        await using var log = new SqliteRatingLog(options);
        // Warm-up: JIT, file creation, first pages.
        await log.AppendAsync(Synthetic.Batches(batchSize, batchSize, seed: 1)[0], "warmup");

        var next = -1;
        var latencies = new List<double>[appenders];
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            var mine = latencies[a] = new List<double>();
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Length)
            {
                var started = Stopwatch.GetTimestamp();
                await log.AppendAsync(batches[index], $"b{index}");
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        stopwatch.Stop();

        var all = latencies.SelectMany(l => l).Order().ToArray();
        var rate = batches.Length * batchSize / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant(
            $"append  batch={batchSize,5} appenders={appenders} ratings={batches.Length * batchSize,8}: {rate,10:N0} ratings/s  batch latency p50={Percentile(all, 0.5):F2} ms p99={Percentile(all, 0.99):F2} ms"));
    }

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}

internal static class ReadBenchmark
{
    public static async Task RunAsync(string dir, int totalRatings)
    {
        var options = new SqliteStorageOptions { DataDirectory = dir, RatingLogDurability = SqliteDurability.Normal };
        await using var log = new SqliteRatingLog(options);
        foreach (var batch in Synthetic.Batches(totalRatings, 10_000, seed: 7)) await log.AppendAsync(batch);

        var stopwatch = Stopwatch.StartNew();
        long rows = 0;
        double checksum = 0;
        await foreach (var rating in log.ReadRangeAsync(0, long.MaxValue)) { rows++; checksum += rating.Value; }
        stopwatch.Stop();
        var memoryMb = GC.GetTotalMemory(false) / 1e6;
        Console.WriteLine(FormattableString.Invariant(
            $"read    range ratings={rows,8}: {rows / stopwatch.Elapsed.TotalSeconds,10:N0} ratings/s  (managed heap after {memoryMb:F0} MB, checksum {checksum:F0})"));

        stopwatch.Restart();
        var userReads = 0;
        long userRows = 0;
        for (var u = 0; u < 2000; u++, userReads++)
            await foreach (var _ in log.ReadUserAsync($"user{u * 37 % 100_000}")) userRows++;
        stopwatch.Stop();
        Console.WriteLine(FormattableString.Invariant(
            $"read    user catch-up: {userReads / stopwatch.Elapsed.TotalSeconds,10:N0} users/s ({(double)userRows / userReads:F1} ratings each, {stopwatch.Elapsed.TotalMilliseconds * 1000 / userReads:F0} µs per user)"));
    }
}

internal static class ModelBenchmark
{
    public static Task RunAsync(string dir) => Task.CompletedTask;
}
