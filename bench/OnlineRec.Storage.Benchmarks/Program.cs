using System.Diagnostics;
using System.Globalization;
using OnlineRec.Core.Model;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite;
using OnlineRec.Storage.Sqlite.Models;
using OnlineRec.Storage.Sqlite.RatingLog;

// Usage: dotnet run -c Release --project bench/OnlineRec.Storage.Benchmarks -- [append|read|model|all] [--ratings N] [--durability full|normal]
//        dotnet run -c Release --project bench/OnlineRec.Storage.Benchmarks -- postgres [--ratings N] [--pg <connection string>]
//        (postgres: the connection string defaults to $ONLINEREC_TEST_POSTGRES, see .ci/postgres-setup.sh)
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var totalRatings = int.Parse(Option("--ratings") ?? "400000", CultureInfo.InvariantCulture);
var durability = (Option("--durability") ?? "full") == "normal" ? SqliteDurability.Normal : SqliteDurability.Full;
var indexChunk = int.Parse(Option("--index-chunk") ?? "20000", CultureInfo.InvariantCulture);
var root = Path.Combine(Path.GetTempPath(), "onlinerec-storage-bench", Guid.NewGuid().ToString("N"));

Console.WriteLine($"Storage benchmarks: {Environment.ProcessorCount} cores, {RuntimeInfo()}, durability={durability}, index chunk={indexChunk}, load average {LoadAverage()}");
try
{
    if (mode is "append" or "all")
        foreach (var batchSize in new[] { 100, 1000 })
            foreach (var appenders in new[] { 1, 8 })
                await AppendBenchmark.RunAsync(Dir($"append-{batchSize}-{appenders}"), durability, indexChunk, batchSize, appenders, totalRatings);
    if (mode is "read" or "all") await ReadBenchmark.RunAsync(Dir("read"), totalRatings);
    if (mode is "model" or "all") await ModelBenchmark.RunAsync(Dir("model"));
    if (mode is "postgres")
        await PostgresBenchmarks.RunAsync(Option("--pg") ?? Environment.GetEnvironmentVariable("ONLINEREC_TEST_POSTGRES")
            ?? throw new ArgumentException("Give --pg <connection string> or set ONLINEREC_TEST_POSTGRES."), totalRatings);
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
static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
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
    public static async Task RunAsync(string dir, SqliteDurability durability, int indexChunk, int batchSize, int appenders, int totalRatings)
    {
        var batches = Synthetic.Batches(totalRatings, batchSize, seed: 42);
        var options = new SqliteStorageOptions { DataDirectory = dir, RatingLogDurability = durability, IndexChunkRows = indexChunk };
        await using var log = new SqliteRatingLog(options);
        // Warm-up: JIT, file creation, first pages.
        await log.AppendAsync(Synthetic.Batches(batchSize, batchSize, seed: 1)[0], "warmup");

        var next = -1;
        var latencies = new List<double>[appenders];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
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
        await log.FlushIndexesAsync(); // the indexing this append rate causes is part of its cost
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        var all = latencies.SelectMany(l => l).Order().ToArray();
        var rate = batches.Length * batchSize / stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant(
            $"append  batch={batchSize,5} appenders={appenders} ratings={batches.Length * batchSize,8}: {rate,10:N0} ratings/s  CPU {cpu.TotalMicroseconds / (batches.Length * batchSize):F1} µs/rating  batch latency p50={Percentile(all, 0.5):F2} ms p99={Percentile(all, 0.99):F2} ms"));
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

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        long rows = 0;
        double checksum = 0;
        await foreach (var rating in log.ReadRangeAsync(0, long.MaxValue)) { rows++; checksum += rating.Value; }
        stopwatch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var memoryMb = GC.GetTotalMemory(false) / 1e6;
        Console.WriteLine(FormattableString.Invariant(
            $"read    range ratings={rows,8}: {rows / stopwatch.Elapsed.TotalSeconds,10:N0} ratings/s  CPU {cpu.TotalMicroseconds / rows:F2} µs/rating (managed heap after {memoryMb:F0} MB, checksum {checksum:F0})"));

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
    // 10k users × 2k items × k=64: the size the reconciler installs for a mid-sized catalogue.
    public static async Task RunAsync(string dir)
    {
        const int users = 10_000, items = 2_000, k = 64;
        var model = new MfModel(k, new IdMap(Enumerable.Range(0, users).Select(u => $"user{u}")),
            new IdMap(Enumerable.Range(0, items).Select(i => $"item{i}")), 3.53f);
        model.InitializeRandom(new Random(3), 0.1f);
        await using var store = new SqliteModelStore(new SqliteStorageOptions { DataDirectory = dir });

        var bytes = MfModelCodec.Encode(model); // warm-up (JIT)
        MfModelCodec.Decode(bytes);
        var encode = Time(() => bytes = MfModelCodec.Encode(model));
        var decode = Time(() => MfModelCodec.Decode(bytes));
        var save = new List<double>();
        var load = new List<double>();
        for (var v = 1; v <= 5; v++)
        {
            var started = Stopwatch.GetTimestamp();
            await store.SaveAsync(new ModelSnapshot(v, DateTimeOffset.UtcNow, v * 1000L, "{}", model));
            save.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            _ = await store.LoadLatestAsync();
            load.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        Console.WriteLine(FormattableString.Invariant(
            $"model   {users}x{items} k={k} ({bytes.Length / 1e6:F1} MB): encode {encode:F1} ms, decode {decode:F1} ms, SaveAsync median {Median(save):F1} ms, LoadLatestAsync median {Median(load):F1} ms"));
    }

    private static double Time(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
