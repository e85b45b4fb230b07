using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using OnlineRec.Core.Model;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.Postgres;
using OnlineRec.Storage.Postgres.Models;
using OnlineRec.Storage.Postgres.RatingLog;
using OnlineRec.Storage.Postgres.Schema;

/// <summary>
/// The PostgreSQL rating log and model store against a live server. Every case runs in a fresh schema that is
/// dropped afterwards. "instances" are separate <see cref="PostgresRatingLog"/> objects, each with its own pool and
/// group-commit writer, i.e. what that many silos do; appenders are spread over them round-robin.
/// </summary>
internal static class PostgresBenchmarks
{
    public static async Task RunAsync(string connectionString, int totalRatings)
    {
        await using (var probe = new NpgsqlConnection(connectionString))
        {
            await probe.OpenAsync();
            Console.WriteLine($"PostgreSQL {probe.PostgreSqlVersion} at {probe.Host}:{probe.Port}");
        }
        foreach (var (appenders, instances) in new[] { (1, 1), (4, 1), (4, 2), (4, 4) })
            await AppendAsync(connectionString, 1000, appenders, instances, totalRatings);
        await UnorderedAppendAsync(connectionString, 1000, 4, totalRatings);
        await ReadAsync(connectionString, totalRatings);
        await ModelAsync(connectionString);
    }

    private static async Task AppendAsync(string connectionString, int batchSize, int appenders, int instances, int totalRatings)
    {
        await using var schema = await BenchSchema.CreateAsync(connectionString);
        var logs = Enumerable.Range(0, instances).Select(_ => new PostgresRatingLog(schema.Options)).ToArray();
        try
        {
            foreach (var (log, i) in logs.Select((l, i) => (l, i)))
                await log.AppendAsync(Synthetic.Batches(batchSize, batchSize, seed: 1)[0], $"warmup-{i}");
            var batches = Synthetic.Batches(totalRatings, batchSize, seed: 42);
            var metricsBefore = logs.Select(l => (l.WriterMetrics.Transactions, l.WriterMetrics.TransactionTime, LockTime: l.WriterMetrics.LockTime)).ToArray();

            var next = -1;
            var latencies = new List<double>[appenders];
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
            {
                var log = logs[a % instances];
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
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

            long transactions = 0;
            TimeSpan transactionTime = TimeSpan.Zero, lockTime = TimeSpan.Zero;
            for (var i = 0; i < logs.Length; i++)
            {
                transactions += logs[i].WriterMetrics.Transactions - metricsBefore[i].Transactions;
                transactionTime += logs[i].WriterMetrics.TransactionTime - metricsBefore[i].TransactionTime;
                lockTime += logs[i].WriterMetrics.LockTime - metricsBefore[i].LockTime;
            }
            var all = latencies.SelectMany(l => l).Order().ToArray();
            var ratings = batches.Length * batchSize;
            Console.WriteLine(FormattableString.Invariant(
                $"pg append batch={batchSize} appenders={appenders} instances={instances} ratings={ratings}: {ratings / stopwatch.Elapsed.TotalSeconds,9:N0} ratings/s  client CPU {cpu.TotalMicroseconds / ratings:F1} µs/rating  batch p50={Percentile(all, 0.5):F1} ms p99={Percentile(all, 0.99):F1} ms  {transactions} transactions ({(double)batches.Length / transactions:F1} batches each), waiting for + holding the log lock {100 * lockTime / transactionTime:F0}% of transaction time"));
        }
        finally
        {
            foreach (var log in logs) await log.DisposeAsync();
        }
    }

    // What the cluster would gain without ordered commits: one table with a bigserial sequence (gaps and out-of-order
    // visibility allowed) and the same user/item indexes, binary COPY, no totals row, no lock, no keys, no id tables,
    // one transaction per batch on `appenders` independent connections. An upper bound for comparison only.
    private static async Task UnorderedAppendAsync(string connectionString, int batchSize, int appenders, int totalRatings)
    {
        await using var schema = await BenchSchema.CreateAsync(connectionString);
        await schema.ExecuteAsync("""
            CREATE TABLE unordered_ratings (seq bigserial PRIMARY KEY, user_id text COLLATE "C" NOT NULL,
                item_id text COLLATE "C" NOT NULL, value real NOT NULL, ts bigint NOT NULL);
            CREATE INDEX ON unordered_ratings (user_id);
            CREATE INDEX ON unordered_ratings (item_id);
            """);
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema.Options.Schema }.ConnectionString);
        var batches = Synthetic.Batches(totalRatings, batchSize, seed: 42);
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(_ => Task.Run(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Length)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var importer = await connection.BeginBinaryImportAsync("COPY unordered_ratings (user_id, item_id, value, ts) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var rating in batches[index])
                    {
                        await importer.StartRowAsync();
                        await importer.WriteAsync(rating.User, NpgsqlDbType.Text);
                        await importer.WriteAsync(rating.Item, NpgsqlDbType.Text);
                        await importer.WriteAsync(rating.Value, NpgsqlDbType.Real);
                        await importer.WriteAsync(rating.Timestamp, NpgsqlDbType.Bigint);
                    }
                    await importer.CompleteAsync();
                }
                await transaction.CommitAsync();
            }
        })));
        stopwatch.Stop();
        var ratings = batches.Length * batchSize;
        Console.WriteLine(FormattableString.Invariant(
            $"pg UNORDERED baseline batch={batchSize} connections={appenders} ratings={ratings}: {ratings / stopwatch.Elapsed.TotalSeconds,9:N0} ratings/s (no lock, no totals, no keys, no id tables)"));
    }

    private static async Task ReadAsync(string connectionString, int totalRatings)
    {
        await using var schema = await BenchSchema.CreateAsync(connectionString);
        await using var log = new PostgresRatingLog(schema.Options);
        foreach (var batch in Synthetic.Batches(totalRatings, 10_000, seed: 7)) await log.AppendAsync(batch);
        await schema.ExecuteAsync("VACUUM ANALYZE rating_rows");
        await schema.ExecuteAsync("VACUUM ANALYZE rating_batches");

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        long rows = 0;
        await foreach (var _ in log.ReadRangeAsync(0, long.MaxValue)) rows++;
        stopwatch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Console.WriteLine(FormattableString.Invariant(
            $"pg read range ratings={rows}: {rows / stopwatch.Elapsed.TotalSeconds,9:N0} ratings/s  client CPU {cpu.TotalMicroseconds / rows:F2} µs/rating"));

        stopwatch.Restart();
        long userRows = 0;
        const int users = 2000;
        for (var u = 0; u < users; u++)
            await foreach (var _ in log.ReadUserAsync($"user{u * 37 % 100_000}")) userRows++;
        stopwatch.Stop();
        Console.WriteLine(FormattableString.Invariant(
            $"pg read user catch-up: {users / stopwatch.Elapsed.TotalSeconds,9:N0} users/s ({(double)userRows / users:F1} ratings each, {stopwatch.Elapsed.TotalMilliseconds * 1000 / users:F0} µs per user)"));
    }

    private static async Task ModelAsync(string connectionString)
    {
        const int users = 10_000, items = 2_000, k = 64;
        var model = new MfModel(k, new IdMap(Enumerable.Range(0, users).Select(u => $"user{u}")),
            new IdMap(Enumerable.Range(0, items).Select(i => $"item{i}")), 3.53f);
        model.InitializeRandom(new Random(3), 0.1f);
        await using var schema = await BenchSchema.CreateAsync(connectionString);
        await using var store = new PostgresModelStore(schema.Options);
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
        var poll = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++) await store.GetVersionsAsync();
        poll.Stop();
        Console.WriteLine(FormattableString.Invariant(
            $"pg model {users}x{items} k={k}: SaveAsync median {save.Order().ElementAt(2):F1} ms, LoadLatestAsync median {load.Order().ElementAt(2):F1} ms, GetVersionsAsync {poll.Elapsed.TotalMilliseconds / 100:F2} ms"));
    }

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];

    /// <summary>A throwaway schema with our tables (no Orleans tables), dropped on dispose.</summary>
    private sealed class BenchSchema : IAsyncDisposable
    {
        private BenchSchema(PostgresStorageOptions options) => Options = options;

        public PostgresStorageOptions Options { get; }

        public static async Task<BenchSchema> CreateAsync(string connectionString)
        {
            var schema = new BenchSchema(new PostgresStorageOptions
            {
                ConnectionString = connectionString,
                Schema = "bench_" + Guid.NewGuid().ToString("N")[..12],
            });
            await PostgresSchema.MigrateAsync(schema.Options, includeOrleans: false);
            return schema;
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Options.ConnectionString) { SearchPath = Options.Schema }.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP SCHEMA {Options.Schema} CASCADE;");
    }
}
