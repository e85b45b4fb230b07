using System.Globalization;

namespace OnlineRec.Client.Load;

/// <summary>
/// Which ids the query scenarios ask about: "{prefix}{1..Users}" and "{prefix}{1..Items}" (the ids ingest generates).
/// The strings are built once, as an app holds its ids already: formatting them per request would bill the load
/// generator's own allocations to the platform's latency.
/// </summary>
public sealed record QueryIds(string Prefix, int Users, int Items)
{
    private string[]? _users;
    private string[]? _items;

    public string User(Random random) => (_users ??= Build(Users))[random.Next(Users)];
    public string Item(Random random) => (_items ??= Build(Items))[random.Next(Items)];

    private string[] Build(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++) ids[i] = Prefix + (i + 1).ToString(CultureInfo.InvariantCulture);
        return ids;
    }
}

/// <summary>The predict and recommend scenarios: closed-loop queries on random known ids.</summary>
public static class QueryLoad
{
    public const string Predict = "predict";
    public const string Recommend = "recommend";

    public static async Task<LoadReport> RunAsync(string scenario, IQueryTarget target, QueryIds ids, int k, int concurrency, LoadBudget budget,
        CancellationToken cancellationToken)
    {
        ids.User(Random.Shared);
        ids.Item(Random.Shared); // build the id tables before the clock starts
        Func<Random, CancellationToken, ValueTask> request = scenario switch
        {
            Predict => (random, ct) => target.PredictAsync(ids.User(random), ids.Item(random), ct),
            Recommend => (random, ct) => target.RecommendAsync(ids.User(random), k, ct),
            _ => throw new ArgumentException($"Unknown query scenario '{scenario}'."),
        };
        var run = await ClosedLoopRunner.RunAsync(concurrency, budget, request, cancellationToken);
        var report = LoadReport.ForQueries(scenario == Recommend ? $"recommend (top-{k})" : scenario, target.Name, concurrency, run);
        return report;
    }
}
