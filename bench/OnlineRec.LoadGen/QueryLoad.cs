using System.Globalization;
using OnlineRec.Abstractions;

namespace OnlineRec.LoadGen;

/// <summary>
/// Which ids the query scenarios ask about: "{prefix}{1..Users}" and "{prefix}{1..Items}" (the ids ingest generates).
/// The strings are built once, as an app holds its ids already: formatting them per request would bill the load
/// generator's own allocations to the platform's latency.
/// </summary>
public sealed class QueryIds(string prefix, int users, int items)
{
    private readonly string[] _users = Build(prefix, users);
    private readonly string[] _items = Build(prefix, items);

    /// <summary>A user from the high half of a random draw (<see cref="RandomDraws"/>), an item from the low half.</summary>
    public string User(ulong draw) => _users[RandomDraws.Below((uint)(draw >> 32), _users.Length)];

    public string Item(ulong draw) => _items[RandomDraws.Below((uint)draw, _items.Length)];

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
                (draw, ct) => target.PredictAsync(ids.User(draw), ids.Item(draw), ct), cancellationToken),
            Recommend => await ClosedLoopRunner.RunAsync(concurrency, budget,
                (draw, ct) => target.RecommendAsync(ids.User(draw), k, ct), cancellationToken),
            _ => throw new ArgumentException($"Unknown query scenario '{scenario}'."),
        };
        return LoadReport.ForQueries(scenario == Recommend ? $"recommend (top-{k})" : scenario, target.Name, concurrency, run);
    }
}
