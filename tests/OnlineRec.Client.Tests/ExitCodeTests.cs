using System.Net;
using System.Net.Sockets;

namespace OnlineRec.Client.Tests;

/// <summary>The exit codes the README promises: 0 ok, 1 server refused or unreachable, 2 bad input, 3 threshold missed.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static HttpResponseMessage Prediction(float score) =>
        FakeApi.Json(HttpStatusCode.OK, $$"""{"user":"196","item":"242","score":{{score}},"modelVersion":1}""");

    [Fact]
    public async Task An_answered_command_exits_0()
    {
        var console = new TestConsole(() => new FakeApi { Respond = (_, _) => Prediction(3.5f) });

        Assert.Equal(ExitCodes.Ok, await console.RunAsync("predict", "196", "242"));
        Assert.Contains("3.500", console.Output);
    }

    [Fact]
    public async Task A_silo_that_cannot_be_reached_exits_1()
    {
        var console = new TestConsole();

        var exit = await console.RunAsync("stats", "--url", $"http://127.0.0.1:{ClosedPort()}");

        Assert.Equal(ExitCodes.ServerError, exit);
        Assert.Contains("cannot reach the silo", console.Errors);
    }

    [Fact]
    public async Task A_refusal_by_the_server_exits_1_with_its_problem_detail()
    {
        var console = new TestConsole(() => new FakeApi { Respond = (_, _) => FakeApi.Problem("Invalid id", "user: 300 characters, at most 256.") });

        Assert.Equal(ExitCodes.ServerError, await console.RunAsync("predict", "196", "242"));
        Assert.Contains("at most 256", console.Errors);
    }

    [Theory]
    [InlineData("stats", "--urll", "http://127.0.0.1:5000")] // mistyped flag
    [InlineData("predict", "196", "242", "--factor", "32")]   // option the command does not have
    [InlineData("recommend", "196", "-k", "zero")]           // value of the wrong type
    [InlineData("recomend", "196")]                          // mistyped command
    [InlineData("predict", "196")]                           // missing argument
    public async Task A_command_line_that_does_not_parse_exits_2_and_sends_nothing(params string[] args)
    {
        var api = new FakeApi();
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync(args);

        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Empty(api.Requests);
        Assert.NotEmpty(console.Errors);
    }

    [Fact]
    public async Task A_missing_test_file_exits_2()
    {
        var console = new TestConsole(() => new FakeApi());

        Assert.Equal(ExitCodes.DataError, await console.RunAsync("score", Path.Combine(_files.Directory, "nowhere.test")));
        Assert.Contains("nowhere.test", console.Errors);
    }

    [Theory]
    [InlineData("5", ExitCodes.Ok)]
    [InlineData("0.5", ExitCodes.ThresholdNotMet)]
    public async Task Score_exits_3_only_when_the_rmse_is_above_max_rmse(string maxRmse, int expected)
    {
        var test = _files.Write("u1.test", "1\t10\t5\t881250949\n2\t10\t1\t881250950\n");
        var api = new FakeApi();
        // Predicts 3 for both: RMSE 2.
        api.Respond = (request, _) => request.Path == "/model"
            ? FakeApi.Model(ratings: 100)
            : FakeApi.Json(HttpStatusCode.OK, """{"scores":[3,3]}""");
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync("score", test, "--max-rmse", maxRmse);

        Assert.Equal(expected, exit);
        Assert.Contains("2.0000", console.Output);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when the listener is disposed
    }
}
