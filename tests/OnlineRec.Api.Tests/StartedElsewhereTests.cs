namespace OnlineRec.Api.Tests;

/// <summary>
/// <c>dotnet path/to/OnlineRec.Silo.dll</c> run from an unrelated working directory, without --data-dir: one silo
/// process shared by the facts below.
/// </summary>
public sealed class StartedElsewhereFixture : IAsyncLifetime
{
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("onlinerec-elsewhere-").FullName;
    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{RunningSilo.FreePort()}");
    public SiloCommand Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = SiloCommand.Start(WorkDirectory,
        [
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            "--silo-port", RunningSilo.FreePort().ToString(),
            "--gateway-port", RunningSilo.FreePort().ToString(),
            "--factors", "8",
            "--retrain-period", "00:00:00",
        ]);
        await Silo.WaitForHealthAsync(BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}

public sealed class StartedElsewhereTests(StartedElsewhereFixture fixture) : IClassFixture<StartedElsewhereFixture>
{
    [Fact]
    public void It_reads_the_appsettings_json_beside_its_binary()
    {
        // appsettings.json sets Orleans' log level to Warning; without it the default (Information) floods the console.
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
        Assert.DoesNotContain("info: Orleans.", fixture.Silo.StandardOutput);
    }

    [Fact]
    public async Task Its_data_goes_to_data_under_the_working_directory()
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        var (status, _, _) = await http.PostAsync("/ratings", Json.Ratings(("elsewhere-u", "elsewhere-i", 4)));

        Assert.Equal(202, status);
        Assert.True(File.Exists(Path.Combine(fixture.WorkDirectory, "data", "ratings.db")), fixture.Silo.StandardOutput);
    }

    [Fact]
    public async Task Starting_logs_no_watchdog_stall_warning()
    {
        // Orleans' watchdog looks within a second of the silo's start; leave it a few.
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.DoesNotContain("Participant check thread has not completed", fixture.Silo.StandardOutput);
        Assert.DoesNotContain("warn: Orleans.Runtime.Watchdog", fixture.Silo.StandardOutput);
    }
}
