using System.Text.Json;
using OnlineRec.Client.Commands;
using OnlineRec.Lab.Data;
using OnlineRec.Lab.Evaluation;

namespace OnlineRec.Client.Tests;

public sealed class EvaluateRankingCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("onlinerec-evaluate-ranking-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Both_protocols_score_every_model_and_write_the_json_report()
    {
        WriteMovieLensShapedFiles();
        var json = Path.Combine(_directory, "ranking.json");

        var (exitCode, output, error) = await InvokeAsync("evaluate", "--task", "ranking", "--data", _directory, "--folds", "u1",
            "--factors", "4", "--iterations", "2", "--top", "5", "--json", json);

        Assert.True(exitCode == 0, error);
        Assert.Contains("leave-last-out", output);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        Assert.Contains("implicit ALS k=4", root.GetProperty("parameters").GetString());
        var fold = Assert.Single(root.GetProperty("folds").EnumerateArray());
        string[] models = [RankingProtocol.Popularity, RankingProtocol.RecentPopularity, RankingProtocol.RatingModel, RankingProtocol.RankingModel];
        Assert.Equal(models, fold.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("model").GetString()));
        foreach (var model in fold.GetProperty("models").EnumerateArray())
        {
            var any = model.GetProperty("any");
            Assert.Equal(5, any.GetProperty("k").GetInt32());
            Assert.InRange(any.GetProperty("precision").GetDouble(), 0, 1);
            Assert.True(any.GetProperty("users").GetInt32() > 0);
        }
        var lastOut = root.GetProperty("leaveLastOut");
        Assert.Equal(models, lastOut.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task A_bad_line_in_the_whole_data_set_fails_with_file_and_line()
    {
        WriteMovieLensShapedFiles();
        File.AppendAllText(Path.Combine(_directory, "u.data"), "7\t3\tfour\t881250999\n");
        var lines = File.ReadAllLines(Path.Combine(_directory, "u.data")).Length;

        var (exitCode, _, error) = await InvokeAsync("evaluate", "--task", "ranking", "--data", _directory, "--protocol", "leave-last-out", "--factors", "4");

        Assert.Equal(EvaluateCommand.DataError, exitCode);
        Assert.Contains($"u.data:{lines}", error);
    }

    [Fact]
    public async Task Unusable_ranking_options_are_named()
    {
        var (exitCode, _, error) = await InvokeAsync("evaluate", "--task", "ranking", "--folds", "u1", "--alpha", "-1");

        Assert.Equal(EvaluateCommand.DataError, exitCode);
        Assert.Contains("Alpha", error);
    }

    private void WriteMovieLensShapedFiles()
    {
        var events = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 60, Items = 80, Ratings = 2_000, SelectionBias = 3, Seed = 4 }).Events;
        string Line(OnlineRec.Core.Model.RatingEvent e) => $"{e.User}\t{e.Item}\t{e.Value}\t{e.Timestamp}";
        File.WriteAllLines(Path.Combine(_directory, "u.data"), events.Select(Line));
        File.WriteAllLines(Path.Combine(_directory, "u1.base"), events.Where((_, n) => n % 5 != 0).Select(Line));
        File.WriteAllLines(Path.Combine(_directory, "u1.test"), events.Where((_, n) => n % 5 == 0).Select(Line));
    }

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var console = new TestConsole();
        var exitCode = await console.RunAsync(args);
        return (exitCode, console.Output, console.Errors);
    }
}
