using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite.RatingLog;

namespace OnlineRec.Storage.Sqlite.Tests.RatingLog;

/// <summary>
/// "An acknowledged rating is never lost": a child process appends from several appenders and prints each ack;
/// we SIGKILL it mid-stream, reopen the directory, and require every acknowledged range to be there, contiguous,
/// and still recognised by its idempotency key.
/// </summary>
public sealed class ProcessKillDurabilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_acknowledged_batch_survives_a_kill_9()
    {
        if (OperatingSystem.IsWindows()) return; // Process.Kill is SIGKILL on Unix, which is what we mean to test
        var acks = new ConcurrentQueue<(long First, long Last, string Key)>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using (var child = StartChild(appenders: 4))
        {
            child.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                if (e.Data == "READY") { ready.TrySetResult(); return; }
                var parts = e.Data.Split(' ');
                if (parts.Length == 4 && parts[0] == "ACK")
                    acks.Enqueue((long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), parts[3]));
            };
            child.BeginOutputReadLine();
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));

            var deadline = Stopwatch.StartNew();
            while (acks.Count < 400 && deadline.Elapsed < TimeSpan.FromSeconds(4)) await Task.Delay(20);
            child.Kill();                       // SIGKILL: no flush, no dispose, no finally blocks
            await child.WaitForExitAsync();
        }

        var acknowledged = acks.ToArray();
        Assert.True(acknowledged.Length > 20, $"the child acknowledged only {acknowledged.Length} batches before the kill");

        await using var log = new SqliteRatingLog(_dir.Options());
        var last = await log.GetLastSequenceAsync();
        Assert.True(last >= acknowledged.Max(a => a.Last));
        var sequences = new List<long>();
        await foreach (var rating in log.ReadRangeAsync(0, last)) sequences.Add(rating.Sequence);
        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), sequences);   // no holes, nothing beyond last

        foreach (var (first, lastOfBatch, key) in acknowledged)
        {
            var retry = await log.AppendAsync(Enumerable.Repeat(new RatingEvent("u", "i", 3, 0), (int)(lastOfBatch - first + 1)).ToArray(), key);
            Assert.True(retry.WasDuplicate, $"batch {key} ({first}..{lastOfBatch}) was acknowledged but its key is gone");
            Assert.Equal((first, lastOfBatch), (retry.FirstSequence, retry.LastSequence));
        }
        Assert.Equal(last, await log.CountAsync());
    }

    private Process StartChild(int appenders)
    {
        var childDll = Path.Combine(AppContext.BaseDirectory, "OnlineRec.Storage.Sqlite.CrashChild.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(childDll);
        info.ArgumentList.Add(_dir.Path);
        info.ArgumentList.Add(appenders.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the child process.");
    }
}
