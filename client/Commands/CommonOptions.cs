using System.CommandLine;
using OnlineRec.Client.Http;

namespace OnlineRec.Client.Commands;

/// <summary>Options several commands share, built fresh per command (System.CommandLine symbols have one parent).</summary>
public static class CommonOptions
{
    public static Option<Uri> Url() => new("--url")
    {
        Description = "Base URL of the silo's REST API.",
        DefaultValueFactory = _ => new Uri(OnlineRecHttpClient.DefaultUrl),
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : OnlineRecHttpClient.DefaultUrl;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                return uri;
            result.AddError($"--url must be an absolute http(s) URL, not '{text}'.");
            return null!;
        },
    };

    public static Option<int> Positive(string name, int defaultValue, string description, params string[] aliases)
    {
        var option = new Option<int>(name, aliases) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"{name} must be at least 1.");
        });
        return option;
    }

    public static Option<int> NonNegative(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError($"{name} must not be negative.");
        });
        return option;
    }

    /// <summary>Per-request timeout in seconds.</summary>
    public static Option<double> Timeout(double defaultSeconds = 60) => PositiveSeconds("--timeout", defaultSeconds, "Seconds before a request counts as failed (and, where retried, is retried).");

    public static Option<double> PositiveSeconds(string name, double defaultSeconds, string description)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultSeconds };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!(value > 0) || double.IsInfinity(value)) result.AddError($"{name} must be a positive number of seconds.");
        });
        return option;
    }
}
