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
    /// The cluster mode's storage: the rating log and model store in PostgreSQL, options from <c>Storage:Postgres</c>
    /// (its <c>ConnectionString</c>, or else <c>ConnectionStrings:Postgres</c>). Run
    /// <see cref="Schema.PostgresSchema.MigrateAsync(PostgresStorageOptions, bool, CancellationToken)"/> before the host starts.
    /// </summary>
    public static IServiceCollection AddOnlineRecPostgresStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PostgresStorageOptions>()
            .Bind(configuration.GetSection(Section))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.ConnectionString)) o.ConnectionString = configuration.GetConnectionString("Postgres") ?? "";
            });
        services.AddSingleton<IRatingLog>(sp => new PostgresRatingLog(sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value,
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IModelStore>(sp => new PostgresModelStore(sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value));
        return services;
    }
}
