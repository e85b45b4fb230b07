using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace OnlineRec.Storage.Postgres.Schema;

/// <summary>An embedded migration script: its name (folder/file), its text, and a checksum of the text.</summary>
internal sealed record SqlScript(string Name, string Text)
{
    private const string ResourcePrefix = "OnlineRec.Storage.Postgres.Sql.";

    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)));

    /// <summary>The scripts under Sql/<paramref name="folder"/>, in file-name order.</summary>
    public static IReadOnlyList<SqlScript> Load(string folder)
    {
        var assembly = typeof(SqlScript).Assembly;
        var prefix = ResourcePrefix + folder + "/";
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new SqlScript(folder + "/" + name[prefix.Length..], Read(assembly, name)))
            .ToList();
        if (scripts.Count == 0) throw new InvalidOperationException($"No embedded SQL scripts under Sql/{folder}.");
        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
                           ?? throw new InvalidOperationException($"Embedded script {resource} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
