using System.Globalization;

namespace OnlineRec.Client.Load;

/// <summary>Which ids the query scenarios ask about: "{prefix}{1..Users}" and "{prefix}{1..Items}" (the ids ingest generates).</summary>
public sealed record QueryIds(string Prefix, int Users, int Items)
{
    public string User(Random random) => Prefix + (random.Next(Users) + 1).ToString(CultureInfo.InvariantCulture);
    public string Item(Random random) => Prefix + (random.Next(Items) + 1).ToString(CultureInfo.InvariantCulture);
}

/// <summary>The predict and recommend scenarios: closed-loop queries on random known ids.</summary>
public static class QueryLoad
{
    public const string Predict = "predict";
    public const string Recommend = "recommend";

    public static async Task<LoadReport> RunAsync(string scenario, IQueryTarget target, QueryIds ids, int k, int concurrency, LoadBudget budget,
        CancellationToken cancellationToken)
    {
        Func<Random, CancellationToken, Task> request = scenario switch
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
