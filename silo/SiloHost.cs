using OnlineRec.Api.Contracts;
using Microsoft.AspNetCore.Http.Features;
using OnlineRec.Grains.Hosting;
using OnlineRec.Silo.Api;
using OnlineRec.Silo.Hosting;

namespace OnlineRec.Silo;

/// <summary>Builds the one-process host: Orleans silo + REST API. Program.cs and the API tests share it.</summary>
public static class SiloHost
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    // Short command-line switches for the settings people change most.
    private static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--data-dir"] = "Storage:DataDirectory",
        ["--silo-port"] = "Cluster:SiloPort",
        ["--gateway-port"] = "Cluster:GatewayPort",
        ["--factors"] = "Model:Factors",
        ["--scale"] = "Model:RatingScale",
        ["--retrain-period"] = "Reconciler:Period",
        ["--retrain-every"] = "Reconciler:EveryNewRatings",
        ["--cluster"] = "Cluster:Mode",
        ["--cluster-id"] = "Cluster:ClusterId",
        ["--silo-name"] = "Cluster:SiloName",
        ["--advertised-address"] = "Cluster:AdvertisedAddress",
        ["--connection"] = "Storage:Postgres:ConnectionString",
    };

    /// <summary>Configuration as the host reads it (appsettings, environment, command line), for commands that run without a host.</summary>
    public static IConfiguration ReadConfiguration(string[] args) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args, SwitchMappings)
            .Build();

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        configure?.Invoke(builder);

        var configuration = builder.Configuration;
        var cluster = configuration.GetSection(SiloClusterOptions.Section).Get<SiloClusterOptions>() ?? new SiloClusterOptions();
        builder.Services.Configure<ApiOptions>(configuration.GetSection(ApiOptions.Section));
        // Storage services first: in Postgres mode the schema migration must be registered (and so start) before the silo.
        var postgres = cluster.Mode == ClusterMode.Postgres ? PostgresClusterSilo.ReadStorageOptions(configuration) : null;
        if (postgres is not null) PostgresClusterSilo.AddStorage(builder.Services, configuration, cluster, postgres);
        else EmbeddedSilo.AddStorage(builder.Services, configuration);
        builder.UseOrleans(silo =>
        {
            if (postgres is not null) PostgresClusterSilo.Configure(silo, configuration, cluster, postgres);
            else EmbeddedSilo.Configure(silo, configuration, cluster);
            silo.AddOnlineRec(configuration);
        });

        var apiOptions = configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = apiOptions.MaxRequestBodyBytes);
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = apiOptions.MaxRequestBodyBytes);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapOnlineRecApi();
        return app;
    }
}
