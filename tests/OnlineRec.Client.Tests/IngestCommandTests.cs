using System.Net;

namespace OnlineRec.Client.Tests;

/// <summary>The ingest command against a scripted API: batching, the bad-line stop, retries under the same key, 400s.</summary>
public sealed class IngestCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string TabLines(int count, int firstUser = 1) =>
        string.Concat(Enumerable.Range(firstUser, count).Select(u => $"{u}\t{u % 7 + 1}\t{u % 5 + 1}\t88125{u:D4}\n"));

    [Fact]
    public async Task A_movielens_file_goes_in_batches_with_one_key_each()
    {
        var file = _files.Write("u1.base", TabLines(7));
        var api = new FakeApi();
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync("ingest", file, "--batch-size", "3", "--parallel", "2");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal([3, 3, 1], api.RatingPosts.Select(p => p.RatingCount).OrderDescending());
        Assert.Equal(3, api.RatingPosts.Select(p => p.IdempotencyKey).Distinct().Count());
        Assert.All(api.RatingPosts, p => Assert.StartsWith("ingest:u1.base:b3:", p.IdempotencyKey));
        Assert.Contains("7 ratings", console.Output);
    }

    [Fact]
    public async Task A_bad_line_stops_before_its_batch_is_sent_and_names_file_and_line()
    {
        // Line 5 has a rating outside 1–5 stars.
        var lines = TabLines(4) + "5\t3\t9\t881250949\n" + TabLines(3, firstUser: 6);
        var file = _files.Write("u1.base", lines);
        var api = new FakeApi();
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync("ingest", file, "--batch-size", "2", "--parallel", "1");

        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Contains("u1.base:5", console.Errors);
        // Lines 1–4 (two full batches) went out; the batch holding line 5 and everything after did not.
        var sentUsers = api.RatingPosts.SelectMany(p => p.Users).Order().ToList();
        Assert.Equal(["1", "2", "3", "4"], sentUsers);
        Assert.Contains("lines 1–4 are stored", console.Errors);
    }

    [Fact]
    public async Task A_batch_that_failed_with_a_5xx_is_retried_under_the_same_key()
    {
        var file = _files.Write("ratings.csv", "userId,movieId,rating,timestamp\n1,10,4.5,100\n2,10,3.0,101\n3,11,5.0,102\n");
        var api = new FakeApi();
        api.Respond = (request, attempt) => attempt == 1 && request.Path == "/ratings"
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            : api.Accept(request);
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync("ingest", file, "--batch-size", "2");

        Assert.Equal(ExitCodes.Ok, exit);
        var posts = api.RatingPosts;
        Assert.Equal(4, posts.Count); // two batches, each failed once
        Assert.All(posts.GroupBy(p => p.IdempotencyKey), g => Assert.Equal(2, g.Count()));
        Assert.Contains("retried attempts", console.Output);
    }

    [Fact]
    public async Task A_400_is_printed_with_its_problem_detail_and_not_retried()
    {
        var file = _files.Write("mine.csv", "alice,book,4\nbob,book,5\n");
        var api = new FakeApi();
        api.Respond = (request, _) => request.Path == "/ratings"
            ? FakeApi.Problem("Invalid rating batch", "ratings[1]: rating 5 is outside 1–4. Nothing from this batch was stored.")
            : api.Accept(request);
        var console = new TestConsole(() => api);

        var exit = await console.RunAsync("ingest", file);

        Assert.Equal(ExitCodes.ServerError, exit);
        Assert.Single(api.RatingPosts);
        Assert.Contains("ratings[1]: rating 5 is outside 1–4", console.Errors);
        Assert.Contains("mine.csv lines 1–2", console.Errors);
    }

    [Fact]
    public async Task A_missing_file_is_a_data_error()
    {
        var console = new TestConsole(() => new FakeApi());

        var exit = await console.RunAsync("ingest", Path.Combine(_files.Directory, "nowhere.data"));

        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Contains("nowhere.data", console.Errors);
    }
}
