namespace OnlineRec.Api.Tests;

/// <summary>
/// The REST API, the ingestor and the rating log apply one rule to ids and idempotency keys: what breaks it is a 400
/// problem naming the rule with nothing stored (never a 500 from the log), and what it allows the log stores.
/// </summary>
public sealed class IdRuleTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private HttpClient Http => fixture.Silo.Http;

    private async Task<long> RatingCountAsync() => (await Http.GetJsonAsync("/model")).Body!["ratings"]!.GetValue<long>();

    [Theory]
    [InlineData("user")]
    [InlineData("item")]
    public async Task A_300_character_id_gets_a_400_problem_naming_the_limit_and_nothing_is_stored(string which)
    {
        var longId = new string('x', 300);
        var bad = which == "user" ? (longId, "id-rule-item", 3.0) : ("id-rule-user", longId, 3.0);
        var before = await RatingCountAsync();

        var (status, body, contentType) = await Http.PostAsync("/ratings", Json.Ratings(("id-rule-user", "id-rule-item", 4), bad));

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        var error = body!["errors"]!.AsArray().Single()!;
        Assert.Equal(1, error["index"]!.GetValue<int>());
        Assert.Contains($"{which} id is 300 characters long; at most 256 are allowed", error["reason"]!.GetValue<string>());
        Assert.Equal(before, await RatingCountAsync());
    }

    [Fact]
    public async Task Ids_of_exactly_256_characters_are_accepted_and_stored()
    {
        var before = await RatingCountAsync();

        var (status, _, _) = await Http.PostAsync("/ratings", Json.Ratings((new string('u', 256), new string('i', 256), 4)));

        Assert.Equal(202, status);
        Assert.Equal(before + 1, await RatingCountAsync());
    }

    [Theory]
    [InlineData(0, "the idempotency key is empty")]
    [InlineData(257, "the idempotency key is 257 characters long")]
    public async Task An_idempotency_key_the_log_would_refuse_gets_a_400_and_nothing_is_stored(int length, string reason)
    {
        var before = await RatingCountAsync();

        var (status, body, contentType) = await Http.PostAsync("/ratings", Json.Ratings(("id-rule-key", "i", 4)), new string('k', length));

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains(reason, body!["detail"]!.GetValue<string>());
        Assert.Equal(before, await RatingCountAsync());
    }

    [Fact]
    public async Task Ids_in_the_path_follow_the_same_rule()
    {
        var (status, body, contentType) = await Http.GetJsonAsync($"/users/{new string('u', 300)}/recommendations");
        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("at most 256 are allowed", body!["detail"]!.GetValue<string>());

        Assert.Equal(200, (await Http.GetJsonAsync($"/users/{new string('u', 256)}/recommendations")).Status);
    }
}
