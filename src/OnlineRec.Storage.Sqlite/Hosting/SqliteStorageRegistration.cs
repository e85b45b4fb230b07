using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite.Models;
using OnlineRec.Storage.Sqlite.RatingLog;

namespace OnlineRec.Storage.Sqlite.Hosting;

public static class SqliteStorageRegistration
{
    /// <summary>The embedded default: the rating log and model store in SQLite files under Storage:DataDirectory.</summary>
    public static IServiceCollection AddOnlineRecSqliteStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SqliteStorageOptions>().Bind(configuration.GetSection("Storage"));
        services.AddSingleton<IRatingLog>(sp => new SqliteRatingLog(sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value,
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IModelStore>(sp => new SqliteModelStore(sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value));
        return services;
    }
}
