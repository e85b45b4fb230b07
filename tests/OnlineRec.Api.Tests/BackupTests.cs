using OnlineRec.Silo;

namespace OnlineRec.Api.Tests;

public sealed class BackupTests
{
    [Fact]
    public async Task A_backup_taken_while_ratings_arrive_restores_to_a_working_silo()
    {
        var copy = Path.Combine(Path.GetTempPath(), "onlinerec-backup-" + Guid.NewGuid().ToString("N"));
        try
        {
            long acknowledgedBefore, acknowledgedAfter;
            float scoreBefore;
            await using (var silo = await RunningSilo.StartAsync())
            {
                var random = new Random(5);
                for (var batch = 0; batch < 5; batch++)
                {
                    var ratings = Enumerable.Range(0, 400)
                        .Select(_ => ($"b-u{random.Next(60)}", $"b-i{random.Next(40)}", (double)random.Next(1, 6))).ToArray();
                    Assert.Equal(202, (await silo.Http.PostAsync("/ratings", Json.Ratings(ratings))).Status);
                }
                Assert.Equal(202, (await silo.Http.PostAsync("/model/retrain", "{}")).Status);
                await Eventually.Until(async () => (await silo.Http.GetJsonAsync("/model")).Body!,
                    m => m["version"]!.GetValue<int>() == 1 && m["status"]!.GetValue<string>() == "idle", TimeSpan.FromSeconds(60));
                scoreBefore = (await silo.Http.GetJsonAsync("/users/b-u1/predictions/b-i1")).Body!["score"]!.GetValue<float>();

                // Ratings keep arriving (for other users and items) while the copy is taken.
                using var stop = new CancellationTokenSource();
                long acknowledged = 2000;
                var ingest = Task.Run(async () =>
                {
                    for (var n = 0; !stop.IsCancellationRequested; n++)
                    {
                        var (status, _, _) = await silo.Http.PostAsync("/ratings", Json.Ratings(($"live-u{n % 7}", $"live-i{n}", 3), ($"live-u{n % 5}", $"live-i{n}", 4)));
                        Assert.Equal(202, status);
                        Interlocked.Add(ref acknowledged, 2);
                    }
                });
                await Eventually.Until(() => Task.FromResult(Interlocked.Read(ref acknowledged)), a => a >= 2010);
                acknowledgedBefore = Interlocked.Read(ref acknowledged);
                var exit = BackupCommand.Run(["--to", copy, "--data-dir", silo.DataDirectory]);
                await stop.CancelAsync();
                await ingest;
                acknowledgedAfter = Interlocked.Read(ref acknowledged);

                Assert.Equal(0, exit);
            }

            // Restore: the copy is a data directory a silo starts on.
            await using var restored = await RunningSilo.StartAsync(copy);
            var model = (await restored.Http.GetJsonAsync("/model")).Body!;
            Assert.Equal(1, model["version"]!.GetValue<int>());
            var ratingsInCopy = model["ratings"]!.GetValue<long>();
            Assert.InRange(ratingsInCopy, acknowledgedBefore, acknowledgedAfter);
            var prediction = (await restored.Http.GetJsonAsync("/users/b-u1/predictions/b-i1")).Body!;
            Assert.Equal(1, prediction["modelVersion"]!.GetValue<int>());
            Assert.Equal(scoreBefore, prediction["score"]!.GetValue<float>(), 4);
            // The restored log continues after its last rating.
            var (_, next, _) = await restored.Http.PostAsync("/ratings", Json.Ratings(("b-u1", "b-i99", 3)));
            Assert.Equal(ratingsInCopy + 1, next!["lastSequence"]!.GetValue<long>());
        }
        finally
        {
            if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void A_backup_into_a_directory_that_holds_files_is_refused_and_writes_nothing()
    {
        var data = Directory.CreateTempSubdirectory("onlinerec-backup-src-").FullName;
        var target = Directory.CreateTempSubdirectory("onlinerec-backup-dst-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(data, "ratings.db"), "");
            File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");

            var exit = BackupCommand.Run(["--to", target, "--data-dir", data]);

            Assert.Equal(2, exit);
            Assert.Equal(["keep.txt"], Directory.GetFiles(target).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            Directory.Delete(target, recursive: true);
        }
    }
}
