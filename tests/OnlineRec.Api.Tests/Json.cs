using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnlineRec.Api.Tests;

internal static class Json
{
    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<(int Status, JsonNode? Body, string? ContentType)> PostAsync(this HttpClient http, string path, string json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(json) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request);
        return await ReadAsync(response);
    }

    public static async Task<(int Status, JsonNode? Body, string? ContentType)> GetJsonAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadAsync(response);
    }

    public static string Ratings(params (string User, string Item, double Value)[] ratings) =>
        JsonSerializer.Serialize(new { ratings = ratings.Select(r => new { user = r.User, item = r.Item, value = r.Value }) });

    private static async Task<(int, JsonNode?, string?)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var node = text.Length == 0 ? null : JsonNode.Parse(text);
        return ((int)response.StatusCode, node, response.Content.Headers.ContentType?.MediaType);
    }
}
