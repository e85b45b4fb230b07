using System.Diagnostics;
using System.Globalization;
using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;
using OnlineRec.Lab.Data;

// Usage: dotnet run -c Release --project bench/OnlineRec.Data.Benchmarks -- [read|generate|topk|all]
//        [--file path/to/u.data] [--ratings N] [--items N] [--factors K] [--threads T]
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
Console.WriteLine($"OnlineRec data/serving benchmarks: {Environment.ProcessorCount} cores, "
    + $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");

if (mode is "read" or "all") ReadBenchmark.Run(Option("--file"));
if (mode is "generate" or "all") GenerateBenchmark.Run(IntOption("--ratings", 1_000_000));
if (mode is "topk" or "all")
    TopKBenchmark.Run(IntOption("--items", 10_000), IntOption("--factors", 64), IntOption("--threads", Environment.ProcessorCount));

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int IntOption(string name, int fallback) => Option(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

internal static class Measure
{
    /// <summary>Runs <paramref name="action"/> after warm-up and prints min and median wall time (this machine may be shared).</summary>
    public static void Print(string name, int runs, Action action)
    {
        for (var i = 0; i < 3; i++) action();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"  {name,-44} min {times[0],8:F2} ms   median {times[runs / 2],8:F2} ms");
    }
}

internal static class ReadBenchmark
{
    public static void Run(string? file)
    {
        var temp = file is null;
        if (file is null)
        {
            // A u.data-shaped file from the generator, so the benchmark needs no MovieLens download.
            file = Path.Combine(Path.GetTempPath(), $"onlinerec-bench-{Guid.NewGuid():N}.data");
            var events = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 943, Items = 1_682, Ratings = 100_000 }).Events;
            File.WriteAllLines(file, events.Select(e => $"{e.User}\t{e.Item}\t{e.Value:0}\t{e.Timestamp}"));
        }
        try
        {
            var lines = RatingFileReader.ReadAll(file).Length;
            Console.WriteLine($"read: {Path.GetFileName(file)} ({lines:N0} ratings{(temp ? ", synthetic u.data layout" : "")})");
            Measure.Print("RatingFileReader.ReadAll", 30, () => RatingFileReader.ReadAll(file));
            Measure.Print("RatingFileReader.ReadBatches (2k batches)", 30, () =>
            {
                foreach (var _ in RatingFileReader.ReadBatches(file)) { }
            });
            Measure.Print("File.ReadAllLines (no parsing, reference)", 30, () => File.ReadAllLines(file));
        }
        finally
        {
            if (temp) File.Delete(file);
        }
    }
}

internal static class GenerateBenchmark
{
    public static void Run(int ratings)
    {
        var options = new SyntheticRatingsOptions { Users = Math.Max(1_000, ratings / 100), Items = Math.Max(1_000, ratings / 200), Ratings = ratings };
        Console.WriteLine($"generate: {options.Ratings:N0} ratings, {options.Users:N0} users × {options.Items:N0} items, rank {options.Rank}");
        Measure.Print("SyntheticRatings.Generate", 5, () => SyntheticRatings.Generate(options));
    }
}

internal static class TopKBenchmark
{
    private const int K = 10;
    private const int RatedPerUser = 200;

    public static void Run(int items, int factors, int threads)
    {
        var random = new Random(1);
        var itemFactors = Gaussian(random, items * factors, 0.3f);
        var itemBias = Gaussian(random, items, 0.3f);
        var scanner = new TopKScanner(itemFactors, itemBias, items, factors, 3.5f);
        var similar = new SimilarItems(itemFactors, items, factors);
        const int users = 256;
        var userVectors = Enumerable.Range(0, users).Select(_ => Gaussian(random, factors, 0.3f)).ToArray();
        var rated = Enumerable.Range(0, users).Select(_ => Enumerable.Range(0, RatedPerUser).Select(_ => random.Next(items)).ToArray()).ToArray();
        Console.WriteLine($"topk: {items:N0} items × {factors} factors, top-{K}, {RatedPerUser} excluded items, {threads} threads");

        Report("TopKScanner.TopK", threads, 20_000, (query, buffer) => scanner.TopK(userVectors[query % users], 0.1f, rated[query % users], buffer));
        Report("SimilarItems.MostSimilar", threads, 20_000, (query, buffer) => similar.MostSimilar(query % items, buffer));
    }

    /// <summary>Queries spread over threads, each with its own result buffer; prints throughput, latency percentiles and allocation.</summary>
    private static void Report(string name, int threads, int queries, Action<int, Span<ScoredItem>> query)
    {
        for (var i = 0; i < 500; i++) query(i, new ScoredItem[K]);
        var latencies = new double[queries];
        long allocated = 0;
        var wall = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            Span<ScoredItem> buffer = stackalloc ScoredItem[K];
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var q = t; q < queries; q += threads)
            {
                var start = Stopwatch.GetTimestamp();
                query(q, buffer);
                latencies[q] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            Interlocked.Add(ref allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        });
        var seconds = wall.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        Console.WriteLine($"  {name,-26} {queries / seconds,9:N0} q/s   p50 {Percentile(latencies, 0.50),7:F0} µs   p99 {Percentile(latencies, 0.99),7:F0} µs"
            + $"   {(double)allocated / queries:F1} B/query");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static float[] Gaussian(Random random, int count, float std)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (float)(random.NextGaussian() * std);
        return values;
    }
}
