using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OnlineRec.Api.Contracts;
using OnlineRec.Grains.Hosting;
using OnlineRec.Grains.Options;
using OnlineRec.Silo.Api;
using OnlineRec.Silo.Hosting;
using OnlineRec.Silo.Options;
using OnlineRec.Silo.Startup;
using OnlineRec.Storage.Sqlite;

namespace OnlineRec.Silo;

/// <summary>Builds the one-process host: Orleans silo + REST API. Program.cs and the API tests share it.</summary>
public static class SiloHost
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>Short command-line switches for the settings people change most.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings => Switches;

    private static readonly Dictionary<string, string> Switches = new()
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
            .AddCommandLine(args, Switches)
            .Build();

    /// <summary>
    /// The host, checked: an unknown switch or setting, a value of the wrong type or out of range, a port or data
    /// directory another silo holds all throw <see cref="SiloStartException"/> (one line, nothing started).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ConfigurationCheck.ThrowIfBadArguments(args, SwitchMappings);
        // appsettings.json is read from the application's directory, so the silo finds it whatever directory it is
        // started from; relative paths in settings (Storage:DataDirectory) stay relative to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot(args) });
        builder.Configuration.AddCommandLine(args, Switches);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        configure?.Invoke(builder);

        var configuration = builder.Configuration;
        ConfigurationCheck.ThrowIfBadSettings(configuration);
        var cluster = configuration.GetSection(SiloClusterOptions.Section).Get<SiloClusterOptions>() ?? new SiloClusterOptions();
        AddHostOptions(builder.Services, configuration);
        // Storage services first: in Postgres mode the schema migration must be registered (and so start) before the silo.
        var postgres = cluster.Mode == ClusterMode.Postgres ? ReadPostgresOptions(configuration) : null;
        if (postgres is not null) PostgresClusterSilo.AddStorage(builder.Services, configuration, cluster, postgres);
        else EmbeddedSilo.AddStorage(builder.Services, configuration);
        builder.Services.AddKeyedSingleton<TimeProvider>(MembershipClock.ServiceKey, (_, _) => new MembershipClock());
        builder.UseOrleans(silo =>
        {
            if (postgres is not null) PostgresClusterSilo.Configure(silo, configuration, cluster, postgres);
            else EmbeddedSilo.Configure(silo, configuration, cluster);
            silo.AddOnlineRec(configuration);
        });
        AddApi(builder, configuration);

        var app = builder.Build();
        try
        {
            ThrowIfInvalidOptions(app);
            app.Services.GetRequiredService<SiloExclusivity>().Claim(cluster,
                postgres is null ? app.Services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.DataDirectory : null,
                (configuration["urls"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        catch (SiloStartException)
        {
            ((IDisposable)app).Dispose();
            throw;
        }

        var limit = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestBodyLimit(limit);
        app.MapOpenApi();
        app.MapOnlineRecApi();
        return app;
    }

    private static Storage.Postgres.PostgresStorageOptions ReadPostgresOptions(IConfiguration configuration)
    {
        try
        {
            return PostgresClusterSilo.ReadStorageOptions(configuration);
        }
        catch (ArgumentException ex)
        {
            throw new SiloStartException(ex.Message, SiloStartException.BadConfiguration);
        }
    }

    private static string ContentRoot(string[] args) =>
        new ConfigurationBuilder().AddCommandLine(args).Build()[HostDefaults.ContentRootKey] ?? AppContext.BaseDirectory;

    private static void AddHostOptions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ApiOptions, ApiOptionsValidator>(configuration, ApiOptions.Section);
        services.AddValidatedOptions<SiloClusterOptions, SiloClusterOptionsValidator>(configuration, SiloClusterOptions.Section);
        services.AddSingleton<IValidateOptions<SqliteStorageOptions>, SqliteStorageOptionsValidator>();
        services.AddOptions<SqliteStorageOptions>().ValidateOnStart();
        // Owned by the container: the data-directory lock is released when the host is disposed.
        services.AddSingleton<SiloExclusivity>();
    }

    private static void AddApi(WebApplicationBuilder builder, IConfiguration configuration)
    {
        var limit = (configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions()).MaxRequestBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limit);
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = limit);
        // Bad bodies and parameters throw, so BadRequestExceptionHandler can name the problem in the 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Refusals the framework answers with a bare status code (a chunked body cut off by Kestrel's limit, a body
            // that is not JSON) reach the status-code pages without a detail: say what to do.
            var problem = context.ProblemDetails;
            if (problem.Detail is not null) return;
            if (problem.Status == StatusCodes.Status413PayloadTooLarge) (problem.Title, problem.Detail) = (Problems.TooLargeTitle, Problems.TooLargeDetail(limit));
            else if (problem.Status == StatusCodes.Status415UnsupportedMediaType) problem.Detail = Problems.UnsupportedMediaTypeDetail;
        });
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            // The contract's rule, whatever the host's defaults: numbers are JSON numbers ("4" is not a rating).
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
    }

    /// <summary>Runs every options validator now, so a bad value ends <see cref="Build"/> with one line naming it.</summary>
    private static void ThrowIfInvalidOptions(WebApplication app)
    {
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex) when (Failures(ex) is { Count: > 0 } failures)
        {
            throw new SiloStartException("invalid configuration: " + string.Join("; ", failures), SiloStartException.BadConfiguration);
        }
    }

    private static List<string>? Failures(Exception ex) => ex switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => aggregate.InnerExceptions.Select(Failures).Where(f => f is not null).SelectMany(f => f!).ToList(),
        _ => null,
    };
}
