using System.Net;
using System.Text.Json;

namespace OnlineRec.Client.Tests;

/// <summary><c>demo --url</c> against a scripted API: it never mixes its synthetic data into a silo that holds ratings unless told to.</summary>
public sealed class DemoCommandTests
{
    private static readonly string[] SmallDemo =
        ["--ratings", "400", "--users", "40", "--items", "20", "--rate", "0", "--batch-size", "100", "--eval-every", "200", "--retrain-every", "0", "--no-final-retrain"];

    /// <summary>A silo holding <paramref name="ratings"/> ratings that accepts batches and predicts 3 for everything.</summary>
    private static FakeApi Silo(long ratings)
    {
        var api = new FakeApi();
        api.Respond = (request, _) => request.Path switch
        {
            "/model" => FakeApi.Model(ratings),
            "/predictions" => FakeApi.Json(HttpStatusCode.OK,
                JsonSerializer.Serialize(new { scores = Enumerable.Repeat(3f, JsonDocument.Parse(request.Body).RootElement.GetProperty("pairs").GetArrayLength()) })),
            _ => api.Accept(request),
        };
        return api;
    }

    [Fact]
    public async Task Refuses_a_silo_that_already_holds_ratings_and_sends_nothing()
    {
        var api = Silo(ratings: 100_000);
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync(["demo", "--url", "http://127.0.0.1:5999", .. SmallDemo]);

        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Contains("already holds 100,000 ratings", console.Errors);
        Assert.Contains("--force", console.Errors);
        Assert.Empty(api.RatingPosts);
    }

    [Fact]
    public async Task Streams_into_an_empty_silo_and_says_the_data_stays()
    {
        var api = Silo(ratings: 0);
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync(["demo", "--url", "http://127.0.0.1:5999", .. SmallDemo]);

        Assert.True(exit == ExitCodes.Ok, console.Output + console.Errors);
        Assert.Contains("stay there", console.Output);
        Assert.NotEmpty(api.RatingPosts);
        Assert.All(api.RatingPosts.SelectMany(p => p.Users), u => Assert.StartsWith("demo-", u));
    }

    [Fact]
    public async Task Force_streams_into_a_silo_that_holds_ratings()
    {
        var api = Silo(ratings: 100_000);
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync(["demo", "--url", "http://127.0.0.1:5999", "--force", .. SmallDemo]);

        Assert.True(exit == ExitCodes.Ok, console.Output + console.Errors);
        Assert.NotEmpty(api.RatingPosts);
    }

    [Fact]
    public async Task ONLINEREC_URL_is_a_silo_given_like_url()
    {
        var api = Silo(ratings: 5);
        var console = new TestConsole(() => api, environment: new Dictionary<string, string> { ["ONLINEREC_URL"] = "http://127.0.0.1:5999" });

        Assert.Equal(ExitCodes.DataError, await console.RunAsync(["demo", .. SmallDemo]));
        Assert.Contains("already holds 5 ratings", console.Errors);
    }
}
