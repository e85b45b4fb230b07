using Microsoft.Data.Sqlite;
using OnlineRec.Storage.Sqlite;

namespace OnlineRec.Storage.Sqlite.Tests;

/// <summary>A fresh data directory per test, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onlinerec-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public SqliteStorageOptions Options(Action<SqliteStorageOptions>? configure = null)
    {
        var options = new SqliteStorageOptions { DataDirectory = Path };
        configure?.Invoke(options);
        return options;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a straggling handle; the OS temp cleaner gets it */ }
    }
}
