using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.Postgres.Models;
using OnlineRec.Storage.Postgres.RatingLog;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.Hosting;

public static class PostgresStorageRegistration
{
    /// <summary>Configuration section bound to <see cref="PostgresStorageOptions"/>.</summary>
    public const string Section = "Storage:Postgres";

    /// <summary>
    /// <see cref="PostgresStorageOptions"/> from <c>Storage:Postgres</c>, the connection string falling back to
    /// <c>ConnectionStrings:Postgres</c>. Validated: a missing connection string or bad setting throws a readable
    /// <see cref="ArgumentException"/>. The one place these rules live (host, <c>migrate</c> and registration use it).
    /// </summary>
    public static PostgresStorageOptions ReadOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<PostgresStorageOptions>() ?? new PostgresStorageOptions();
        if (string.IsNullOrWhiteSpace(options.ConnectionString)) options.ConnectionString = configuration.GetConnectionString("Postgres") ?? "";
        options.Validate();
        return options;
    }

    /// <summary>
    /// The cluster mode's storage: the rating log and model store in PostgreSQL. Run
    /// <see cref="Schema.PostgresSchema.MigrateAsync(PostgresStorageOptions, bool, CancellationToken)"/> before the host starts.
    /// </summary>
    public static IServiceCollection AddOnlineRecPostgresStorage(this IServiceCollection services, PostgresStorageOptions options)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<IRatingLog>(sp => new PostgresRatingLog(options, sp.GetService<TimeProvider>()));
        services.AddSingleton<IModelStore>(_ => new PostgresModelStore(options));
        return services;
    }

    /// <summary>As above, with options read by <see cref="ReadOptions"/>.</summary>
    public static IServiceCollection AddOnlineRecPostgresStorage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOnlineRecPostgresStorage(ReadOptions(configuration));
}
