using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using OnlineRec.Client.Http;

namespace OnlineRec.Client.Commands;

/// <summary>Options several commands share, built fresh per command (System.CommandLine symbols have one parent).</summary>
public static class CommonOptions
{
    /// <summary>The environment variable every command reads for the silo's URL when <c>--url</c> is absent.</summary>
    public const string UrlVariable = "ONLINEREC_URL";

    /// <summary><c>--url</c>; when absent, <see cref="UrlVariable"/>; when that is not set either, the local default.</summary>
    public static Option<Uri> Url(CliContext context) => new("--url")
    {
        Description = $"Base URL of the silo's REST API; when absent, ${UrlVariable}, else {OnlineRecHttpClient.DefaultUrl}.",
        DefaultValueFactory = result => FromEnvironment(context, result) ?? new Uri(OnlineRecHttpClient.DefaultUrl),
        CustomParser = result => result.Tokens.Count > 0
            ? ParseUrl(result, result.Tokens[0].Value, "--url")
            : FromEnvironment(context, result) ?? new Uri(OnlineRecHttpClient.DefaultUrl),
    };

    /// <summary><c>--url</c>, else <see cref="UrlVariable"/>, else null: for a command that does something else without a target.</summary>
    public static Option<Uri?> OptionalUrl(CliContext context, string description) => new("--url")
    {
        Description = description,
        DefaultValueFactory = result => FromEnvironment(context, result),
        CustomParser = result => result.Tokens.Count > 0 ? ParseUrl(result, result.Tokens[0].Value, "--url") : FromEnvironment(context, result),
    };

    private static Uri? FromEnvironment(CliContext context, ArgumentResult result)
    {
        var text = context.Variable(UrlVariable);
        return string.IsNullOrWhiteSpace(text) ? null : ParseUrl(result, text, UrlVariable);
    }

    private static Uri ParseUrl(ArgumentResult result, string text, string source)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return uri;
        result.AddError($"{source} must be an absolute http(s) URL, not '{text}'.");
        return null!;
    }

    public static Option<int> Positive(string name, int defaultValue, string description, params string[] aliases) =>
        Whole(name, defaultValue, description, minimum: 1, aliases);

    public static Option<int> NonNegative(string name, int defaultValue, string description) =>
        Whole(name, defaultValue, description, minimum: 0, []);

    /// <summary>Per-request timeout in seconds.</summary>
    public static Option<double> Timeout(double defaultSeconds = 60) => PositiveSeconds("--timeout", defaultSeconds, "Seconds before a request counts as failed (and, where retried, is retried).");

    public static Option<double> PositiveSeconds(string name, double defaultSeconds, string description) =>
        Number(name, defaultSeconds, description, value => value > 0 && double.IsFinite(value), "a positive number of seconds");

    public static Option<double> NonNegativeSeconds(string name, double defaultSeconds, string description) =>
        Number(name, defaultSeconds, description, value => value >= 0 && double.IsFinite(value), "a number of seconds ≥ 0");

    /// <summary>A number strictly between 0 and 1.</summary>
    public static Option<double> Fraction(string name, double defaultValue, string description) =>
        Number(name, defaultValue, description, value => value is > 0 and < 1, "a number between 0 and 1");

    // Range-checked numbers parse their own token: a range check written as a validator would run on a value that did
    // not convert ("-k zero") and throw instead of reporting the bad value.
    private static Option<int> Whole(string name, int defaultValue, string description, int minimum, string[] aliases) => new(name, aliases)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return defaultValue;
            var text = result.Tokens[^1].Value;
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum) return value;
            result.AddError($"{name} must be a whole number ≥ {minimum}, not '{text}'.");
            return defaultValue;
        },
    };

    private static Option<double> Number(string name, double defaultValue, string description, Func<double, bool> isValid, string expected) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return defaultValue;
            var text = result.Tokens[^1].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && isValid(value)) return value;
            result.AddError($"{name} must be {expected}, not '{text}'.");
            return defaultValue;
        },
    };
}
