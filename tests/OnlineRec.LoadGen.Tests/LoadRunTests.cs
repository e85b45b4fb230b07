using System.Text.Json;
using OnlineRec.Client;
using OnlineRec.Client.Tests;

namespace OnlineRec.LoadGen.Tests;

/// <summary>The load generator against the real silo host in this process: a tiny bounded run through the .NET client.</summary>
public sealed class LoadRunTests(InProcessSilo silo) : IClassFixture<InProcessSilo>, IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_bounded_run_through_the_dotnet_client_sees_its_ratings_learned_and_writes_the_json_report()
    {
        var json = Path.Combine(_files.Directory, "load.json");
        var console = new TestConsole(root: LoadCommand.CreateRoot);

        var exit = await console.RunAsync("--url", silo.Url, "--via", "client", "--gateway-port", silo.GatewayPort.ToString(),
            "--scenario", "ingest,predict,recommend", "-c", "2", "--ratings", "2000", "--users", "100", "--items", "60", "--batch-size", "500",
            "--id-prefix", "load-test-", "--duration", "0.5", "--warmup", "0.1", "--drain-timeout", "60", "--json", json);

        Assert.True(exit == ExitCodes.Ok, console.Output + console.Errors + silo.Logs);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var rows = report.RootElement.EnumerateArray().ToList();
        Assert.Equal(["ingest", "predict", "recommend (top-10)"], rows.Select(r => r.GetProperty("scenario").GetString()));
        var ingest = rows[0];
        Assert.Equal(2000, ingest.GetProperty("ratings").GetInt64());
        Assert.True(ingest.TryGetProperty("learnedSeconds", out var learned) && learned.GetDouble() > 0, ingest.ToString());
        Assert.All(rows.Skip(1), r =>
        {
            Assert.True(r.GetProperty("requests").GetInt64() > 0);
            Assert.Equal(0, r.GetProperty("errors").GetInt64());
            Assert.True(r.GetProperty("p99Ms").GetDouble() >= r.GetProperty("p50Ms").GetDouble());
        });
    }
}
