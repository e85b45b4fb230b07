using Microsoft.Data.Sqlite;
using OnlineRec.Silo.Options;
using OnlineRec.Silo.Startup;
using OnlineRec.Storage.Sqlite;

namespace OnlineRec.Silo;

/// <summary>
/// <c>OnlineRec.Silo backup --to DIR [--data-dir data]</c>: a consistent copy of the embedded databases (rating log,
/// grain state, models) through SQLite's online backup API, safe while the silo runs. Restore = stop the silo and put
/// the copied files in place of the data directory's.
/// </summary>
internal static class BackupCommand
{
    public static int Run(string[] args)
    {
        try
        {
            var (target, rest) = TakeTarget(args);
            ConfigurationCheck.ThrowIfBadArguments(rest, SiloHost.SwitchMappings);
            var configuration = SiloHost.ReadConfiguration(rest);
            if (configuration.GetSection(SiloClusterOptions.Section).Get<SiloClusterOptions>()?.Mode == ClusterMode.Postgres)
                throw new SiloStartException("cluster mode keeps its data in PostgreSQL: back it up with pg_dump", SiloStartException.BadConfiguration);
            var storage = configuration.GetSection(SqliteStorageOptionsValidator.Section).Get<SqliteStorageOptions>() ?? new SqliteStorageOptions();
            storage.Validate();
            var copied = Copy(storage, target);
            Console.WriteLine($"backup: copied {string.Join(", ", copied)} from {Path.GetFullPath(storage.DataDirectory)} to {target}");
            return 0;
        }
        catch (SiloStartException ex)
        {
            Console.Error.WriteLine($"backup: {ex.Message}");
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or SqliteException or InvalidOperationException)
        {
            Console.Error.WriteLine($"backup: {ex.Message}");
            return 1;
        }
    }

    private static (string Target, string[] Settings) TakeTarget(string[] args)
    {
        string? target = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--to") target = i + 1 < args.Length ? args[++i] : null;
            else if (args[i].StartsWith("--to=", StringComparison.Ordinal)) target = args[i]["--to=".Length..];
            else rest.Add(args[i]);
        }
        if (string.IsNullOrWhiteSpace(target))
            throw new SiloStartException("give the directory to write the copy to: backup --to DIR", SiloStartException.BadConfiguration);
        return (Path.GetFullPath(target), rest.ToArray());
    }

    private static List<string> Copy(SqliteStorageOptions storage, string target)
    {
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new SiloStartException($"{target} is not empty: give a new directory", SiloStartException.BadConfiguration);
        if (!File.Exists(storage.RatingLogPath))
            throw new SiloStartException($"no rating log at {Path.GetFullPath(storage.RatingLogPath)}: is --data-dir right?", SiloStartException.BadConfiguration);

        // Written beside the target and renamed at the end, so a directory named DIR is always a complete copy.
        var partial = target.TrimEnd(Path.DirectorySeparatorChar) + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        // Each file is copied as one snapshot, the files one after another: grain state and models first, the rating log
        // last, so the copied log holds every rating the copied grain state and model versions refer to (by sequence).
        var copied = new List<string>();
        foreach (var file in new[] { storage.GrainStateFileName, storage.ModelStoreFileName, storage.RatingLogFileName })
        {
            var source = Path.Combine(storage.DataDirectory, file);
            if (!File.Exists(source)) continue;
            BackUp(source, Path.Combine(partial, file));
            copied.Add(file);
        }
        if (Directory.Exists(target)) Directory.Delete(target);
        Directory.Move(partial, target);
        return copied;
    }

    private static void BackUp(string sourcePath, string destinationPath)
    {
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = sourcePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 60,
        }.ToString());
        using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destinationPath, Pooling = false }.ToString());
        source.Open();
        destination.Open();
        // One backup step over all pages: it reads a single snapshot of the source (WAL readers do not block the silo's writer).
        source.BackupDatabase(destination);
    }
}
