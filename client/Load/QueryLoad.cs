using System.Globalization;
using OnlineRec.Abstractions;

namespace OnlineRec.Client.Load;

/// <summary>
/// Which ids the query scenarios ask about: "{prefix}{1..Users}" and "{prefix}{1..Items}" (the ids ingest generates).
/// The strings are built once, as an app holds its ids already: formatting them per request would bill the load
/// generator's own allocations to the platform's latency.
/// </summary>
public sealed class QueryIds(string prefix, int users, int items)
{
    private readonly string[] _users = Build(prefix, users);
    private readonly string[] _items = Build(prefix, items);

    public string User(Random random) => _users[random.Next(_users.Length)];
    public string Item(Random random) => _items[random.Next(_items.Length)];

    private static string[] Build(string prefix, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++) ids[i] = prefix + (i + 1).ToString(CultureInfo.InvariantCulture);
        return ids;
    }
}

/// <summary>The predict and recommend scenarios: closed-loop queries on random known ids.</summary>
public static class QueryLoad
{
    // The client tags its batch metrics with the same names (ClientBatchObserver filters on them).
    public const string Predict = ReadOperations.Predict;
    public const string Recommend = ReadOperations.Recommend;

    public static async Task<LoadReport> RunAsync<TPrediction, TList>(string scenario, IQueryTarget<TPrediction, TList> target, QueryIds ids, int k,
        int concurrency, LoadBudget budget, CancellationToken cancellationToken)
    {
        var run = scenario switch
        {
            Predict => await ClosedLoopRunner.RunAsync(concurrency, budget,
                (random, ct) => target.PredictAsync(ids.User(random), ids.Item(random), ct), cancellationToken),
            Recommend => await ClosedLoopRunner.RunAsync(concurrency, budget,
                (random, ct) => target.RecommendAsync(ids.User(random), k, ct), cancellationToken),
            _ => throw new ArgumentException($"Unknown query scenario '{scenario}'."),
        };
        return LoadReport.ForQueries(scenario == Recommend ? $"recommend (top-{k})" : scenario, target.Name, concurrency, run);
    }
}
