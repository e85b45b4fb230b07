using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OnlineRec.Storage.Models;
using OnlineRec.Storage.RatingLog;
using OnlineRec.Storage.Sqlite.Models;
using OnlineRec.Storage.Sqlite.RatingLog;

namespace OnlineRec.Storage.Sqlite.Hosting;

/// <summary>Registers the embedded (SQLite) rating log and model store as singletons.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SqliteStorageOptions"/>, <see cref="IRatingLog"/> and <see cref="IModelStore"/> on SQLite files
    /// under <see cref="SqliteStorageOptions.DataDirectory"/>. The container disposes them (flushing the writer) at shutdown.
    /// </summary>
    public static IServiceCollection AddSqliteRatingStorage(this IServiceCollection services, Action<SqliteStorageOptions>? configure = null)
    {
        var options = new SqliteStorageOptions();
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<IRatingLog>(sp => new SqliteRatingLog(sp.GetRequiredService<SqliteStorageOptions>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IModelStore>(sp => new SqliteModelStore(sp.GetRequiredService<SqliteStorageOptions>()));
        return services;
    }
}
