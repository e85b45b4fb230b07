using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.Client.Tests;

/// <summary>
/// The CLI against the real silo host in this process: ingest a file, predict, score a held-out file, retrain,
/// score again, re-ingest (stored once); and the demo on a temporary silo of its own.
/// </summary>
public sealed partial class EndToEndTests(InProcessSilo silo) : IClassFixture<InProcessSilo>, IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Ingest_predict_score_retrain_score_on_a_running_silo()
    {
        var data = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 150, Items = 80, Ratings = 5_000, Seed = 3 });
        var split = RatingSplits.RandomFraction(data.Events, 0.1, seed: 4);
        var train = _files.Write("synthetic.base", TabSeparated(split.Train));
        var test = _files.Write("synthetic.test", TabSeparated(split.Test));

        var loggedBefore = await RatingsLoggedAsync(); // the class's other test may have run first on this silo

        var ingest = new TestConsole();
        Assert.Equal(ExitCodes.Ok, await ingest.RunAsync("ingest", train, "--url", silo.Url, "--batch-size", "1000", "--parallel", "3"));
        Assert.Matches(new Regex($@"accepted\s+{split.Train.Length:N0} ratings"), ingest.Output);

        var predict = new TestConsole();
        Assert.Equal(ExitCodes.Ok, await predict.RunAsync("predict", split.Test[0].User, split.Test[0].Item, "--url", silo.Url));
        Assert.Matches(new Regex(@": \d\.\d{3} \(model v\d+\)"), predict.Output);

        var online = await ScoreAsync(test);

        var retrain = new TestConsole();
        Assert.Equal(ExitCodes.Ok, await retrain.RunAsync("retrain", "--wait", "--url", silo.Url));
        Assert.Matches(new Regex(@"model version \d+ installed"), retrain.Output);
        Assert.Matches(new Regex($@"ratings\s+│\s+{loggedBefore + split.Train.Length:N0}"), retrain.Output);

        var retrained = await ScoreAsync(test);
        Assert.True(retrained < online, $"RMSE after the retrain ({retrained:F4}) should beat online SGD alone ({online:F4})");

        // The same file again: every batch is recognised by its key, nothing is stored twice.
        var again = new TestConsole();
        Assert.Equal(ExitCodes.Ok, await again.RunAsync("ingest", train, "--url", silo.Url, "--batch-size", "1000"));
        Assert.Matches(new Regex(@"accepted\s+0 ratings"), again.Output);
        Assert.Equal(loggedBefore + split.Train.Length, await RatingsLoggedAsync());

        var recommend = new TestConsole();
        Assert.Equal(ExitCodes.Ok, await recommend.RunAsync("recommend", split.Train[0].User, "-k", "3", "--url", silo.Url));
        Assert.Equal(3, recommend.Output.Split('\n').Count(l => Regex.IsMatch(l, @"│\s+[123]\s+│")));
    }

    [Fact]
    public async Task Demo_without_a_silo_runs_its_own_temporary_one_with_held_out_rmse_falling_and_removes_it()
    {
        var loggedBefore = await RatingsLoggedAsync();
        var console = new TestConsole();

        var exit = await console.RunAsync("demo", "--ratings", "3000", "--users", "100", "--items", "60", "--rate", "0",
            "--batch-size", "500", "--eval-every", "1000", "--retrain-every", "0");

        Assert.True(exit == ExitCodes.Ok, console.Output + console.Errors);
        var silo = Regex.Match(console.Output, @"demo: silo at (\S+), data in (\S+); both are removed");
        Assert.True(silo.Success, console.Output);
        Assert.False(Directory.Exists(silo.Groups[2].Value), $"the demo's data directory {silo.Groups[2].Value} should be gone");
        var match = Regex.Match(console.Output, @"Final held-out RMSE ([0-9.]+) \(noise floor ([0-9.]+), first row ([0-9.]+)\)");
        Assert.True(match.Success, console.Output);
        var (final, floor, first) = (Parse(match.Groups[1]), Parse(match.Groups[2]), Parse(match.Groups[3]));
        Assert.True(final < first, $"held-out RMSE should fall: first {first:F4}, final {final:F4}");
        Assert.True(final >= floor * 0.8, $"final {final:F4} implausibly far below the noise floor {floor:F4}");
        Assert.Contains("final retrain: v", console.Output);
        Assert.Equal(loggedBefore, await RatingsLoggedAsync()); // the silo the user runs got none of it

        static double Parse(Group g) => double.Parse(g.Value, CultureInfo.InvariantCulture);
    }

    private async Task<double> ScoreAsync(string testFile)
    {
        var score = new TestConsole();
        Assert.Equal(ExitCodes.Ok, await score.RunAsync("score", testFile, "--url", silo.Url, "--batch-size", "200"));
        var match = RmsePattern().Match(score.Output);
        Assert.True(match.Success, score.Output);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private async Task<long> RatingsLoggedAsync()
    {
        var stats = new TestConsole();
        Assert.Equal(ExitCodes.Ok, await stats.RunAsync("stats", "--url", silo.Url));
        var match = Regex.Match(stats.Output, @"ratings logged\s+│\s+([0-9,]+)");
        Assert.True(match.Success, stats.Output);
        return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private static string TabSeparated(IEnumerable<RatingEvent> events)
    {
        var text = new StringBuilder();
        foreach (var e in events)
            text.Append(CultureInfo.InvariantCulture, $"{e.User}\t{e.Item}\t{e.Value}\t{e.Timestamp}\n");
        return text.ToString();
    }

    [GeneratedRegex(@"RMSE\s+([0-9.]+)")]
    private static partial Regex RmsePattern();
}
