using System.CommandLine;
using System.Text.Json;
using OnlineRec.Client.Commands;
using Spectre.Console;

namespace OnlineRec.Client.Tests;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("onlinerec-evaluate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_bad_line_fails_with_file_and_line_in_the_message()
    {
        File.WriteAllText(Path.Combine(_directory, "u1.base"), "1\t10\t4\t881250949\n2\t10\t5\t881250950\n3\t11\tfive\t881250951\n");
        File.WriteAllText(Path.Combine(_directory, "u1.test"), "1\t11\t3\t881250952\n");

        var (exitCode, _, error) = Invoke("evaluate", "--data", _directory, "--folds", "u1", "--algo", "als");

        Assert.Equal(EvaluateCommand.DataError, exitCode);
        Assert.Contains("u1.base:3", error);
    }

    [Fact]
    public void A_missing_directory_fails_with_a_message()
    {
        var (exitCode, _, error) = Invoke("evaluate", "--data", Path.Combine(_directory, "nowhere"), "--folds", "u1");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("nowhere", error);
    }

    [Fact]
    public void Synthetic_run_writes_the_json_report()
    {
        var json = Path.Combine(_directory, "out.json");

        var (exitCode, output, _) = Invoke("evaluate", "--folds", "u1", "--algo", "als", "--factors", "4", "--iterations", "2", "--json", json);

        Assert.Equal(0, exitCode);
        Assert.Contains("mean", output);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        Assert.Equal("synthetic", root.GetProperty("dataset").GetString());
        Assert.Equal("als", root.GetProperty("algo").GetString());
        var fold = Assert.Single(root.GetProperty("folds").EnumerateArray());
        Assert.Equal("u1", fold.GetProperty("fold").GetString());
        Assert.InRange(fold.GetProperty("rmse").GetDouble(), 0.3, 1.5);
        Assert.True(fold.GetProperty("trainSeconds").GetDouble() >= 0);
        Assert.Equal(fold.GetProperty("rmse").GetDouble(), root.GetProperty("meanRmse").GetDouble());
        Assert.True(root.TryGetProperty("meanMae", out _));
    }

    private static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { EvaluateCommand.Create(PlainConsole(output), PlainConsole(error)) };
        var exitCode = root.Parse(args).Invoke();
        return (exitCode, output.ToString(), error.ToString());
    }

    private static IAnsiConsole PlainConsole(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
