using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using OnlineRec.Grains.Options;
using OnlineRec.Silo.Options;
using OnlineRec.Storage.Postgres;
using OnlineRec.Storage.Sqlite;
using Orleans.Configuration;

namespace OnlineRec.Silo.Startup;

/// <summary>
/// Refuses, before anything starts, settings the silo would otherwise ignore or misread: a command-line switch it
/// does not know (<c>--factor 32</c> would set a key nothing reads), a key under one of our sections that no options
/// property binds (from appsettings, the environment or the command line), and a value its property's type cannot
/// take (<c>Reconciler:EveryNewRatings = "abc"</c> would start and fail the first request that reads it). Ranges are
/// the options validators' job; this check knows only names and types, read from the options classes themselves.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>Our sections and the options class each binds to.</summary>
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [ModelOptions.Section] = typeof(ModelOptions),
        [LearningOptions.Section] = typeof(LearningOptions),
        [ReconcilerOptions.Section] = typeof(ReconcilerOptions),
        [ServingOptions.Section] = typeof(ServingOptions),
        [RecoveryOptions.Section] = typeof(RecoveryOptions),
        [ApiOptions.Section] = typeof(ApiOptions),
        [SiloClusterOptions.Section] = typeof(SiloClusterOptions),
        [SqliteStorageOptionsValidator.Section] = typeof(SqliteStorageOptions),
    };

    /// <summary>Sections inside ours that bind to options classes of their own.</summary>
    private static readonly Dictionary<string, Type> NestedSections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Cluster:Membership"] = typeof(ClusterMembershipOptions),
        ["Storage:Postgres"] = typeof(PostgresStorageOptions),
    };

    /// <summary>Host settings the command line may carry besides our sections (ASP.NET Core's own keys and sections).</summary>
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "http_ports", "https_ports", "environment", "contentRoot", "applicationName",
        "Logging", "Kestrel", "ConnectionStrings", "AllowedHosts",
    };

    /// <summary>
    /// Throws <see cref="SiloStartException"/> naming every argument that is not a known switch or a key of a known
    /// section. Runs before the command line is read into configuration (which would silently skip some of them).
    /// </summary>
    public static void ThrowIfBadArguments(string[] args, IReadOnlyDictionary<string, string> switchMappings)
    {
        var problems = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var token = args[i];
            var equals = token.IndexOf('=');
            var name = equals >= 0 ? token[..equals] : token;
            if (equals < 0)
            {
                if (!IsSwitch(name))
                {
                    problems.Add($"unexpected argument \"{token}\" (settings are given as --key value or --key=value)");
                    continue;
                }
                // As the command-line configuration provider reads it: a switch without '=' takes the next argument as its value.
                if (++i >= args.Length) problems.Add($"{name} has no value");
            }
            if (switchMappings.ContainsKey(name)) continue;
            var first = name.TrimStart('-', '/').Split(':', 2)[0];
            // Keys under our sections are checked with the rest of the configuration, values included.
            if (Sections.ContainsKey(first) || HostKeys.Contains(first)) continue;
            problems.Add($"unknown switch {name}{Suggestion(name, switchMappings.Keys)}");
        }
        Throw(problems);
    }

    /// <summary>Throws <see cref="SiloStartException"/> naming every unknown key under our sections and every unreadable value.</summary>
    public static void ThrowIfBadSettings(IConfigurationRoot configuration)
    {
        var problems = new List<string>();
        foreach (var (name, type) in Sections) CheckSection(configuration, configuration.GetSection(name), type, problems);
        Throw(problems);
    }

    private static void Throw(List<string> problems)
    {
        if (problems.Count > 0) throw new SiloStartException("invalid configuration: " + string.Join("; ", problems), SiloStartException.BadConfiguration);
    }

    private static bool IsSwitch(string token) => token.StartsWith('-') || token.StartsWith('/');

    private static void CheckSection(IConfigurationRoot root, IConfigurationSection section, Type type, List<string> problems)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true).ToArray();
        foreach (var child in section.GetChildren())
        {
            if (NestedSections.TryGetValue(child.Path, out var nested))
            {
                CheckSection(root, child, nested, problems);
                continue;
            }
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                problems.Add($"{child.Path}{Source(root, child)} is not a setting (known in {section.Path}: "
                    + string.Join(", ", properties.Select(p => p.Name)) + ")");
                continue;
            }
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (!IsValue(target))
            {
                if (!target.IsInterface && !target.IsAbstract) CheckSection(root, child, target, problems);
                continue;
            }
            if (child.GetChildren().Any())
                problems.Add($"{child.Path}{Source(root, child)} takes a single value, not a section");
            else if (child.Value is { } value && !Converts(value, property.PropertyType))
                problems.Add($"{child.Path} = \"{value}\"{Source(root, child)}: expected {Expectation(target)}");
        }
    }

    private static bool IsValue(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);

    // The binder converts with the type's TypeConverter (invariant culture); a nullable type also takes "" (null).
    private static bool Converts(string value, Type type)
    {
        if (type == typeof(string)) return true;
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Expectation(Type type) => type switch
    {
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a duration such as 00:00:30 (hh:mm:ss) or 1.00:00:00 (d.hh:mm:ss)",
        _ when type == typeof(float) || type == typeof(double) || type == typeof(decimal) => "a number",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => $"a whole number ({type.Name})",
        _ => $"a {type.Name}",
    };

    /// <summary>" (from …)" naming where a key was set, so the message says which file, variable or argument to fix.</summary>
    private static string Source(IConfigurationRoot root, IConfigurationSection section)
    {
        var leaf = section.Value is not null ? section.Path : section.AsEnumerable().FirstOrDefault(kv => kv.Value is not null).Key;
        if (leaf is null) return "";
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(leaf, out _)) continue;
            return provider switch
            {
                CommandLineConfigurationProvider => " (from the command line)",
                EnvironmentVariablesConfigurationProvider => $" (from environment variable {leaf.Replace(":", "__", StringComparison.Ordinal)})",
                FileConfigurationProvider file => $" (from {file.Source.Path})",
                _ => "",
            };
        }
        return "";
    }

    private static string Suggestion(string given, IEnumerable<string> known)
    {
        var best = known.Select(k => (Switch: k, Distance: EditDistance(given, k))).MinBy(c => c.Distance);
        return best.Switch is not null && best.Distance <= 2 ? $" (did you mean {best.Switch}?)" : "";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1),
                    previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
