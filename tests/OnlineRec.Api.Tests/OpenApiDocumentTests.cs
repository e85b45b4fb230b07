using System.Text.Json.Nodes;

namespace OnlineRec.Api.Tests;

/// <summary>What /openapi/v1.json tells a client author: every request and answer, with schemas and the real status codes.</summary>
public sealed class OpenApiDocumentTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private async Task<JsonNode> DocumentAsync()
    {
        var (status, document, _) = await fixture.Silo.Http.GetJsonAsync("/openapi/v1.json");
        Assert.Equal(200, status);
        return document!;
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(op => (path.Key, op.Key.ToUpperInvariant(), op.Value!.AsObject())));

    [Fact]
    public async Task Every_operation_documents_its_answers_with_schemas()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToArray();

        Assert.Equal(8, operations.Length);
        foreach (var (path, method, operation) in operations)
        {
            var responses = operation["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2')).ToArray();
            Assert.True(success.Length == 1, $"{method} {path}: one success answer expected, got {string.Join(",", responses.Select(r => r.Key))}");
            Assert.True(success[0].Value!["content"]?["application/json"]?["schema"] is not null, $"{method} {path} {success[0].Key}: no schema");
            foreach (var (code, response) in responses.Where(r => !r.Key.StartsWith('2')))
                Assert.True(response!["content"]?["application/problem+json"]?["schema"] is not null, $"{method} {path} {code}: no problem schema");
            if (method == "POST" && path != "/model/retrain")
            {
                Assert.True(operation["requestBody"]?["content"]?["application/json"]?["schema"] is not null, $"{method} {path}: no request schema");
                Assert.True(responses.ContainsKey("400") && responses.ContainsKey("413"), $"{method} {path}: 400 and 413 expected");
            }
        }
    }

    [Theory]
    [InlineData("/ratings")]
    [InlineData("/model/retrain")]
    public async Task Accepted_work_is_documented_as_202(string path)
    {
        var responses = (await DocumentAsync())["paths"]![path]!["post"]!["responses"]!.AsObject();

        Assert.Contains("202", responses.Select(r => r.Key));
        Assert.DoesNotContain("200", responses.Select(r => r.Key));
    }

    [Fact]
    public async Task Ids_are_documented_as_json_strings_and_timestamps_as_unix_seconds()
    {
        var rating = (await DocumentAsync())["components"]!["schemas"]!["RatingDto"]!["properties"]!;

        foreach (var id in new[] { "user", "item" })
        {
            Assert.Contains("string", rating[id]!["type"]!.ToJsonString());
            Assert.Contains("JSON string", rating[id]!["description"]!.GetValue<string>());
        }
        var timestamp = rating["timestamp"]!["description"]!.GetValue<string>();
        Assert.Contains("Unix time", timestamp);
        Assert.Contains("seconds", timestamp);
    }
}
