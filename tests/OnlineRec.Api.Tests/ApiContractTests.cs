using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Abstractions;
using OnlineRec.Grains.Serving;
using System.Text.Json.Nodes;

namespace OnlineRec.Api.Tests;

public sealed class SiloFixture : IAsyncLifetime
{
    public RunningSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await RunningSilo.StartAsync(null, "--Api:MaxRequestBodyBytes", "65536");

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

public sealed class ApiContractTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private HttpClient Http => fixture.Silo.Http;

    private async Task<long> RatingCountAsync() => (await Http.GetJsonAsync("/model")).Body!["ratings"]!.GetValue<long>();

    [Fact]
    public async Task Valid_ratings_are_accepted_with_their_last_sequence()
    {
        var before = await RatingCountAsync();
        var (status, body, _) = await Http.PostAsync("/ratings", Json.Ratings(("a1", "x1", 4), ("a1", "x2", 2)));

        Assert.Equal(202, status);
        Assert.Equal(2, body!["accepted"]!.GetValue<int>());
        Assert.True(body["lastSequence"]!.GetValue<long>() >= 2);
        Assert.Equal(before + 2, await RatingCountAsync());
    }

    [Theory]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":3},{"user":"u","item":"j","value":6}]}""", "outside the scale")]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":3},{"user":"u","item":"j","value":2.5}]}""", "multiple of")]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":3},{"item":"j","value":3}]}""", "user id")]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":3},{"user":"u","item":"   ","value":3}]}""", "item id")]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":3},{"user":"u","item":"j"}]}""", "value is missing")]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":3},null]}""", "null")]
    public async Task A_batch_with_an_invalid_entry_is_refused_whole_with_a_problem_naming_it(string json, string reason)
    {
        var before = await RatingCountAsync();
        var (status, body, contentType) = await Http.PostAsync("/ratings", json);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        var error = body!["errors"]!.AsArray().Single()!;
        Assert.Equal(1, error["index"]!.GetValue<int>());
        Assert.Contains(reason, error["reason"]!.GetValue<string>());
        Assert.Contains("ratings[1]", body["detail"]!.GetValue<string>());
        Assert.Equal(before, await RatingCountAsync());
    }

    [Theory]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":3}""")]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":"NaN"}]}""")]
    [InlineData("""{"ratings":[{"user":"u","item":"i","value":1e400}]}""")]
    [InlineData("""not json""")]
    [InlineData("""{"something":"else"}""")]
    public async Task Malformed_or_non_finite_bodies_get_400_problem_json_and_store_nothing(string json)
    {
        var before = await RatingCountAsync();
        var (status, body, contentType) = await Http.PostAsync("/ratings", json);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.False(string.IsNullOrEmpty(body!["detail"]?.GetValue<string>()));
        Assert.Equal(before, await RatingCountAsync());
    }

    [Fact]
    public async Task Overlong_and_numeric_ids_are_refused()
    {
        var (status, _, _) = await Http.PostAsync("/ratings", Json.Ratings((new string('u', 300), "i", 3)));
        Assert.Equal(400, status);

        var (numericStatus, body, contentType) = await Http.PostAsync("/ratings", """{"ratings":[{"user":196,"item":"242","value":3}]}""");
        Assert.Equal(400, numericStatus);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("ratings[0].user", body!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/ratings")]
    [InlineData("/predictions")]
    [InlineData("/model/retrain")]
    public async Task An_oversized_body_gets_413_problem_json_and_changes_nothing(string path)
    {
        var before = (await Http.GetJsonAsync("/model")).Body!;
        var huge = path == "/predictions"
            ? System.Text.Json.JsonSerializer.Serialize(new { pairs = Enumerable.Range(0, 3000).Select(i => new { user = $"big{i}", item = $"item{i}" }) })
            : Json.Ratings(Enumerable.Range(0, 3000).Select(i => ($"big{i}", $"item{i}", 3.0)).ToArray());
        Assert.True(huge.Length > 65536);

        var (status, body, contentType) = await Http.PostAsync(path, huge);

        Assert.Equal(413, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("65536", body!["detail"]!.GetValue<string>());
        var after = (await Http.GetJsonAsync("/model")).Body!;
        Assert.Equal(before["ratings"]!.GetValue<long>(), after["ratings"]!.GetValue<long>());
        Assert.Equal(before["status"]!.GetValue<string>(), after["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_oversized_body_sent_without_a_length_gets_413_problem_json()
    {
        var before = await RatingCountAsync();
        var huge = Json.Ratings(Enumerable.Range(0, 3000).Select(i => ($"chunk{i}", $"item{i}", 3.0)).ToArray());
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(huge)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ratings") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Http.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("65536", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await RatingCountAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415_problem_json()
    {
        using var content = new StringContent("""{"ratings":[]}""", System.Text.Encoding.UTF8, "text/plain");
        using var response = await Http.PostAsync("/ratings", content);

        Assert.Equal(415, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_retried_batch_with_the_same_idempotency_key_is_stored_once()
    {
        var key = "batch-" + Guid.NewGuid().ToString("N");
        var json = Json.Ratings(("idem", "x1", 5), ("idem", "x2", 1));
        var first = await Http.PostAsync("/ratings", json, key);
        var countAfterFirst = await RatingCountAsync();
        var second = await Http.PostAsync("/ratings", json, key);

        Assert.Equal(202, second.Status);
        Assert.True(second.Body!["duplicate"]!.GetValue<bool>());
        Assert.Equal(first.Body!["lastSequence"]!.GetValue<long>(), second.Body["lastSequence"]!.GetValue<long>());
        Assert.Equal(countAfterFirst, await RatingCountAsync());
    }

    [Fact]
    public async Task Predictions_are_finite_and_on_the_scale_even_for_unknown_ids()
    {
        var (status, body, _) = await Http.GetJsonAsync("/users/nobody-" + Guid.NewGuid() + "/predictions/nothing");
        Assert.Equal(200, status);
        var score = body!["score"]!.GetValue<float>();
        Assert.InRange(score, 1f, 5f);
        Assert.Equal(0, body["modelVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task Batch_predictions_come_back_in_request_order()
    {
        await Http.PostAsync("/ratings", Json.Ratings(("ord-u1", "ord-a", 5), ("ord-u2", "ord-b", 1)));
        var pairs = """{"pairs":[{"user":"ord-u1","item":"ord-a"},{"user":"ord-u2","item":"ord-b"},{"user":"ord-u1","item":"ord-b"}]}""";
        var (status, body, _) = await Http.PostAsync("/predictions", pairs);

        Assert.Equal(200, status);
        var scores = body!["scores"]!.AsArray().Select(s => s!.GetValue<float>()).ToArray();
        Assert.Equal(3, scores.Length);
        Assert.All(scores, s => Assert.InRange(s, 1f, 5f));
        // Each single prediction agrees with its slot in the batch.
        var single = (await Http.GetJsonAsync("/users/ord-u2/predictions/ord-b")).Body!["score"]!.GetValue<float>();
        Assert.Equal(single, scores[1], 5);
    }

    [Fact]
    public async Task Single_and_batch_predictions_for_a_user_active_on_the_silo_are_answered_from_its_replica()
    {
        await Http.PostAsync("/ratings", Json.Ratings(("replica-u", "replica-a", 4)));
        var replica = fixture.Silo.Services.GetRequiredService<UserFactorReplica>();
        var row = await Eventually.Until(() => Task.FromResult(replica.TryGet("replica-u", out var r) ? r : null), r => r?.Rated.Count == 1);
        var grain = fixture.Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>("replica-u");
        var fromGrain = (await grain.Predict("replica-a")).Score;

        // A row the grain does not hold, one rating unit above its own answer: only the replica can answer with it.
        replica.Publish("replica-u", row! with { Bias = row.Bias + 1f });
        try
        {
            var (status, body, _) = await Http.PostAsync("/predictions", """{"pairs":[{"user":"replica-u","item":"replica-a"}]}""");
            var single = (await Http.GetJsonAsync("/users/replica-u/predictions/replica-a")).Body!["score"]!.GetValue<float>();

            Assert.Equal(200, status);
            Assert.Equal(fromGrain + 1f, body!["scores"]![0]!.GetValue<float>(), 4);
            Assert.Equal(fromGrain + 1f, single, 4);
            Assert.Equal(fromGrain, (await grain.Predict("replica-a")).Score); // the grain's own state is untouched
        }
        finally
        {
            replica.Publish("replica-u", row);
        }
    }

    [Fact]
    public async Task Recommendations_exclude_what_the_user_rated()
    {
        var items = Enumerable.Range(0, 6).Select(i => $"rec-item-{i}").ToArray();
        // Other users make every item known; our user rates two of them.
        await Http.PostAsync("/ratings", Json.Ratings(items.Select(i => ("rec-other", i, 4.0)).ToArray()));
        await Http.PostAsync("/ratings", Json.Ratings(("rec-me", items[0], 5), ("rec-me", items[1], 1)));

        var recommended = await Eventually.Until(async () =>
        {
            var (_, body, _) = await Http.GetJsonAsync("/users/rec-me/recommendations?k=1000");
            return body!["items"]!.AsArray().Select(i => i!["item"]!.GetValue<string>()).ToArray();
        }, list => items.Skip(2).All(list.Contains) && !list.Contains(items[0]));

        Assert.DoesNotContain(items[1], recommended);
        Assert.Equal(recommended.Length, recommended.Distinct().Count());
    }

    [Theory]
    [InlineData("/users/u/recommendations?k=0")]
    [InlineData("/users/u/recommendations?k=100000")]
    [InlineData("/items/i/similar?k=-1")]
    public async Task Out_of_range_k_is_a_400(string path)
    {
        var (status, _, contentType) = await Http.GetJsonAsync(path);
        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
    }

    [Fact]
    public async Task Model_reports_learned_ratings_once_the_grains_applied_them()
    {
        var before = (await Http.GetJsonAsync("/model")).Body!["learned"]!.GetValue<long>();
        var (status, _, _) = await Http.PostAsync("/ratings", Json.Ratings(("learn-u1", "learn-x1", 4), ("learn-u2", "learn-x1", 2), ("learn-u1", "learn-x2", 5)));
        Assert.Equal(202, status);

        // Learning is asynchronous (stream → grains): poll, bounded, until the three steps are counted.
        long learned = before;
        for (var attempt = 0; attempt < 300 && learned < before + 3; attempt++)
        {
            await Task.Delay(100);
            learned = (await Http.GetJsonAsync("/model")).Body!["learned"]!.GetValue<long>();
        }
        Assert.True(learned >= before + 3, $"learned went from {before} to {learned}; expected at least 3 more");
    }

    [Fact]
    public async Task Model_health_and_openapi_are_served()
    {
        var model = (await Http.GetJsonAsync("/model")).Body!;
        Assert.Equal("idle", model["status"]!.GetValue<string>());
        Assert.Equal(200, (await Http.GetJsonAsync("/health")).Status);
        var (status, openApi, _) = await Http.GetJsonAsync("/openapi/v1.json");
        Assert.Equal(200, status);
        Assert.NotNull(openApi!["paths"]!["/ratings"]);
        Assert.NotNull(openApi["paths"]!["/users/{user}/recommendations"]);
    }
}
