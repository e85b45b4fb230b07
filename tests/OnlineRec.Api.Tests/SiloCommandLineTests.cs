namespace OnlineRec.Api.Tests;

/// <summary>
/// The silo binary at the command line. Refusing to start: one line on stderr naming the problem, no stack trace, a documented exit code
/// (2 bad configuration, 1 a port or the data directory held by another silo).
/// </summary>
public sealed class SiloCommandLineTests : IAsyncLifetime
{
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("onlinerec-refusal-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_workDirectory, recursive: true);
        return Task.CompletedTask;
    }

    // Free ports and a private data directory, so a silo that wrongly starts disturbs nobody.
    private string[] Args(int? siloPort = null, int? gatewayPort = null, string? url = null, string? dataDirectory = null) =>
    [
        "--urls", url ?? $"http://127.0.0.1:{RunningSilo.FreePort()}",
        "--silo-port", (siloPort ?? RunningSilo.FreePort()).ToString(),
        "--gateway-port", (gatewayPort ?? RunningSilo.FreePort()).ToString(),
        "--data-dir", dataDirectory ?? Path.Combine(_workDirectory, "data"),
    ];

    private static void AssertOneLine(string expected, int expectedExit, (int ExitCode, string Out, string Err) run)
    {
        Assert.True(run.ExitCode == expectedExit, $"exit {run.ExitCode}, expected {expectedExit}\n{run.Out}\n{run.Err}");
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{run.Err}\nstdout:\n{run.Out}");
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("Exception", run.Out + run.Err);
    }

    [Theory]
    [InlineData(new[] { "--factor", "32" }, "unknown switch --factor")]
    [InlineData(new[] { "--retrain-every", "abc" }, "Reconciler:EveryNewRatings = \"abc\"")]
    [InlineData(new[] { "--Reconciler:EveryNewRatings", "-1" }, "Reconciler:EveryNewRatings = -1")]
    public async Task A_bad_setting_ends_the_start_with_one_line_and_exit_2(string[] bad, string expected)
    {
        var run = await SiloCommand.RunToExitAsync(_workDirectory, [.. Args(), .. bad]);

        AssertOneLine(expected, 2, run);
    }

    [Fact]
    public async Task An_unknown_key_from_the_environment_is_named_with_its_variable()
    {
        var run = await SiloCommand.RunToExitAsync(_workDirectory, Args(), new Dictionary<string, string> { ["Learning__WriteBehind"] = "00:00:05" });

        AssertOneLine("Learning:WriteBehind (from environment variable Learning__WriteBehind) is not a setting", 2, run);
    }

    [Fact]
    public async Task A_second_silo_on_a_held_port_or_data_directory_ends_with_one_line_and_exit_1()
    {
        await using var first = await RunningSilo.StartAsync();

        AssertOneLine($"Cluster:SiloPort {first.SiloPort} is already in use", 1,
            await SiloCommand.RunToExitAsync(_workDirectory, Args(siloPort: first.SiloPort)));
        AssertOneLine($"Cluster:GatewayPort {first.GatewayPort} is already in use", 1,
            await SiloCommand.RunToExitAsync(_workDirectory, Args(gatewayPort: first.GatewayPort)));
        var url = first.BaseAddress.ToString().TrimEnd('/');
        AssertOneLine($"the REST address {url} is already in use", 1,
            await SiloCommand.RunToExitAsync(_workDirectory, Args(url: url)));
        AssertOneLine($"the data directory {Path.GetFullPath(first.DataDirectory)} is in use by another silo", 1,
            await SiloCommand.RunToExitAsync(_workDirectory, Args(dataDirectory: first.DataDirectory)));

        // The first silo is untouched by the refused starts.
        Assert.Equal(200, (await first.Http.GetJsonAsync("/health")).Status);
    }

    [Fact]
    public async Task The_health_probe_asks_the_address_the_silo_was_given()
    {
        await using var silo = await RunningSilo.StartAsync();
        var url = silo.BaseAddress.ToString().TrimEnd('/');

        Assert.Equal(0, await ProbeAsync(["--health-probe", "--urls", url]));
        Assert.Equal(0, await ProbeAsync(["--health-probe"], new Dictionary<string, string> { ["ASPNETCORE_URLS"] = url }));
        Assert.Equal(1, await ProbeAsync(["--health-probe", "--urls", $"http://127.0.0.1:{RunningSilo.FreePort()}"]));
    }

    // The probe gives the silo 2 s to answer; on a saturated machine a cold probe process can miss that once, and a
    // container runtime retries it the same way.
    private async Task<int> ProbeAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var exit = 1;
        for (var attempt = 0; attempt < 3 && exit != 0; attempt++) exit = (await SiloCommand.RunToExitAsync(_workDirectory, args, environment)).ExitCode;
        return exit;
    }
}
