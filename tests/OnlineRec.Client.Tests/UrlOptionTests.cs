using System.Net;
using OnlineRec.Client.Commands;
using OnlineRec.Client.Http;

namespace OnlineRec.Client.Tests;

/// <summary>Where commands send their requests: --url, else ONLINEREC_URL, else the local default.</summary>
public sealed class UrlOptionTests
{
    private const string FromEnvironment = "http://127.0.0.1:5999";

    private static readonly Dictionary<string, string> Environment = new() { [CommonOptions.UrlVariable] = FromEnvironment };

    public static TheoryData<string[]> CommandsThatTalkToASilo => new()
    {
        new[] { "ingest", "u1.base" },
        new[] { "predict", "196", "242" },
        new[] { "recommend", "196" },
        new[] { "similar", "50" },
        new[] { "retrain" },
        new[] { "stats" },
        new[] { "score", "u1.test" },
    };

    [Theory]
    [MemberData(nameof(CommandsThatTalkToASilo))]
    public void Every_command_reads_ONLINEREC_URL_when_url_is_absent(string[] args)
    {
        var parse = new TestConsole(environment: Environment).ParseArgs(args);

        Assert.Empty(parse.Errors);
        Assert.Equal(new Uri(FromEnvironment), parse.GetValue<Uri>("--url"));
    }

    [Theory]
    [MemberData(nameof(CommandsThatTalkToASilo))]
    public void Without_either_every_command_uses_the_local_default(string[] args)
    {
        Assert.Equal(new Uri(OnlineRecHttpClient.DefaultUrl), new TestConsole().ParseArgs(args).GetValue<Uri>("--url"));
    }

    [Fact]
    public async Task Requests_go_to_ONLINEREC_URL_and_url_overrides_it()
    {
        var api = new FakeApi { Respond = (_, _) => FakeApi.Json(HttpStatusCode.OK, """{"user":"1","item":"2","score":3,"modelVersion":1}""") };

        Assert.Equal(ExitCodes.Ok, await new TestConsole(() => api, environment: Environment).RunAsync("predict", "1", "2"));
        Assert.Equal(ExitCodes.Ok, await new TestConsole(() => api, environment: Environment).RunAsync("predict", "1", "2", "--url", "http://127.0.0.1:5888"));

        Assert.Equal(["127.0.0.1:5999", "127.0.0.1:5888"], api.Requests.Select(r => r.Authority));
    }

    [Fact]
    public async Task A_malformed_ONLINEREC_URL_is_bad_input_that_names_the_variable()
    {
        var api = new FakeApi();
        var console = new TestConsole(() => api, environment: new Dictionary<string, string> { [CommonOptions.UrlVariable] = "localhost:5000" });

        var exit = await console.RunAsync("stats");

        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Contains(CommonOptions.UrlVariable, console.Errors);
        Assert.Empty(api.Requests);
    }
}
