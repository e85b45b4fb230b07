using OnlineRec.Silo;
using OnlineRec.Silo.Startup;

namespace OnlineRec.Api.Tests;

/// <summary>A setting the silo would ignore or misread stops the start with one line naming it (nothing starts).</summary>
public sealed class ConfigurationRefusalTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "onlinerec-refused-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    private string[] Args(params string[] extra) =>
    [
        "--urls", $"http://127.0.0.1:{RunningSilo.FreePort()}",
        "--data-dir", _dataDirectory,
        "--silo-port", RunningSilo.FreePort().ToString(),
        "--gateway-port", RunningSilo.FreePort().ToString(),
        .. extra,
    ];

    private SiloStartException Refusal(params string[] extra) =>
        Assert.Throws<SiloStartException>(() => SiloHost.Build(Args(extra)));

    [Theory]
    [InlineData("Model:Factors", "0")]
    [InlineData("Model:RatingScale", "5-1")]
    [InlineData("Learning:StreamPartitions", "0")]
    [InlineData("Learning:WriteBehindInterval", "00:00:00")]
    [InlineData("Reconciler:CheckInterval", "00:00:00")]
    [InlineData("Reconciler:EveryNewRatings", "-5")]
    [InlineData("Serving:RecommendationMaxAge", "-00:00:01")]
    [InlineData("Recovery:UsersInFlight", "0")]
    [InlineData("Api:MaxResults", "0")]
    [InlineData("Api:MaxRequestBodyBytes", "0")]
    [InlineData("Cluster:ClusterId", " ")]
    [InlineData("Cluster:AdvertisedAddress", "not-an-address")]
    [InlineData("Storage:MaxBatchSize", "0")]
    public void A_value_out_of_range_is_refused_naming_key_and_value(string key, string value)
    {
        var refusal = Refusal($"--{key}", value);

        Assert.Equal(SiloStartException.BadConfiguration, refusal.ExitCode);
        Assert.Contains(key, refusal.Message);
        Assert.Contains(value.Trim(), refusal.Message);
    }

    [Theory]
    [InlineData("Reconciler:EveryNewRatings", "abc")]
    [InlineData("Model:Factors", "3.5")]
    [InlineData("Learning:WriteBehindInterval", "soon")]
    [InlineData("Recovery:ReplayOnSiloFailure", "maybe")]
    [InlineData("Cluster:Mode", "Kubernetes")]
    [InlineData("Cluster:Membership:ProbeTimeout", "abc")]
    [InlineData("Storage:RatingLogDurability", "Sometimes")]
    public void A_value_of_the_wrong_type_is_refused_naming_key_and_value(string key, string value)
    {
        var refusal = Refusal($"--{key}", value);

        Assert.Equal(SiloStartException.BadConfiguration, refusal.ExitCode);
        Assert.Contains($"{key} = \"{value}\"", refusal.Message);
    }

    [Theory]
    [InlineData("Model")]
    [InlineData("Learning")]
    [InlineData("Reconciler")]
    [InlineData("Serving")]
    [InlineData("Recovery")]
    [InlineData("Api")]
    [InlineData("Cluster")]
    [InlineData("Cluster:Membership")]
    [InlineData("Storage")]
    [InlineData("Storage:Postgres")]
    public void An_unknown_key_in_one_of_our_sections_is_refused_naming_it(string section)
    {
        var refusal = Refusal($"--{section}:Factorz", "32");

        Assert.Equal(SiloStartException.BadConfiguration, refusal.ExitCode);
        Assert.Contains($"{section}:Factorz", refusal.Message);
    }

    [Fact]
    public void An_unknown_switch_is_refused_with_the_switch_it_resembles()
    {
        var refusal = Refusal("--factor", "32");

        Assert.Equal(SiloStartException.BadConfiguration, refusal.ExitCode);
        Assert.Contains("unknown switch --factor (did you mean --factors?)", refusal.Message);
    }

    [Fact]
    public void Host_settings_and_our_switches_are_accepted()
    {
        using var app = SiloHost.Build(Args("--factors", "8", "--retrain-every", "1000", "--Logging:LogLevel:Default", "Warning",
            "--environment", "Production", "--Model:LearningRate=0.02"));

        Assert.NotNull(app);
    }
}
