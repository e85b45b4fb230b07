using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OnlineRec.Storage.Sqlite.GrainStorage;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Hosting;

/// <summary>Registers <see cref="SqliteGrainStorage"/> as a named (or the default) Orleans grain storage provider.</summary>
public static class SqliteGrainStorageSiloBuilderExtensions
{
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions>? configure = null) =>
        builder.AddSqliteGrainStorage(name, optionsBuilder => { if (configure is not null) optionsBuilder.Configure(configure); });

    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteGrainStorageOptions>? configure = null) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<OptionsBuilder<SqliteGrainStorageOptions>> configure) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>The <see cref="OptionsBuilder{TOptions}"/> overload lets options depend on services (e.g. a serializer).</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<SqliteGrainStorageOptions>> configure) =>
        builder.ConfigureServices(services => services.AddSqliteGrainStorage(name, configure));

    public static IServiceCollection AddSqliteGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<SqliteGrainStorageOptions>>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        configure?.Invoke(services.AddOptions<SqliteGrainStorageOptions>(name));
        services.TryAddEnumerable(ServiceDescriptor.Transient<IPostConfigureOptions<SqliteGrainStorageOptions>, OrleansBinarySerializerByDefault>());
        services.AddGrainStorage(name, Create);
        return services;
    }

    private static SqliteGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(name);
        var serviceId = services.GetService<IOptions<ClusterOptions>>()?.Value.ServiceId ?? "default";
        return new SqliteGrainStorage(name, options, serviceId, services.GetRequiredService<IActivatorProvider>(),
            services.GetService<TimeProvider>());
    }

    /// <summary>Unless the caller chose a serializer, use Orleans' compact binary one.</summary>
    private sealed class OrleansBinarySerializerByDefault(IServiceProvider services) : IPostConfigureOptions<SqliteGrainStorageOptions>
    {
        public void PostConfigure(string? name, SqliteGrainStorageOptions options) =>
            options.GrainStorageSerializer ??= new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
    }
}
