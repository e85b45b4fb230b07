using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite;
using OnlineRec.Storage.Sqlite.RatingLog;

// Usage: OnlineRec.Storage.Sqlite.CrashChild <dataDirectory> <appenders> [normal|full]
// Appends forever from several concurrent appenders and prints "ACK first last key" after each acknowledgement;
// the test kills it with SIGKILL at a random moment and checks every printed range survived.
var durability = args.Length > 2 && args[2] == "normal" ? SqliteDurability.Normal : SqliteDurability.Full;
var options = new SqliteStorageOptions { DataDirectory = args[0], RatingLogDurability = durability, IndexChunkRows = 500 };
var appenders = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var log = new SqliteRatingLog(options);
var output = Console.Out;
var gate = new object();
Console.WriteLine("READY");

await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
{
    var random = new Random(a);
    for (var n = 0; ; n++)
    {
        var key = $"a{a}-b{n}";
        var batch = new RatingEvent[1 + random.Next(50)];
        for (var i = 0; i < batch.Length; i++)
            batch[i] = new RatingEvent($"u{random.Next(500)}", $"i{random.Next(200)}", random.Next(1, 6), n);
        var result = await log.AppendAsync(batch, key);
        lock (gate) { output.WriteLine($"ACK {result.FirstSequence} {result.LastSequence} {key}"); output.Flush(); }
    }
})));
