using OnlineRec.Silo.Hosting;
using OnlineRec.Storage.Postgres.Schema;

namespace OnlineRec.Silo;

/// <summary><c>OnlineRec.Silo migrate --connection "…"</c>: applies what is missing of the schema and reports it.</summary>
internal static class SchemaMigrationCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var options = PostgresClusterSilo.ReadStorageOptions(SiloHost.ReadConfiguration(args));
            var applied = await PostgresSchema.MigrateAsync(options, includeOrleans: true);
            Console.WriteLine(applied.Count == 0
                ? "migrate: the schema is up to date."
                : $"migrate: applied {applied.Count} script(s): {string.Join(", ", applied)}");
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or Npgsql.NpgsqlException or NotSupportedException)
        {
            Console.Error.WriteLine($"migrate: {ex.Message}");
            return 2;
        }
    }
}
