using System.Collections.Concurrent;
using OnlineRec.Sdk;

namespace OnlineRec.Cluster.Tests;

/// <summary>
/// Reads during the whole run: predictions and top-10 lists for random users, each score checked for finiteness.
/// A call that throws (its silo just died, failover under way) is counted; a NaN or ∞ score is recorded as a defect.
/// </summary>
public sealed class FiniteReads(OnlineRecClient client, IReadOnlyList<string> users, IReadOnlyList<string> items, int workers)
{
    private readonly ConcurrentQueue<string> _nonFinite = new();
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private long _calls;
    private long _scores;

    public long Calls => Interlocked.Read(ref _calls);
    public long ScoresChecked => Interlocked.Read(ref _scores);
    public int Errors => _errors.Values.Sum();
    public IReadOnlyDictionary<string, int> ErrorsByType => _errors;
    public IReadOnlyCollection<string> NonFinite => _nonFinite;

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => LoopAsync(new Random(1000 + w), stop))));

    private async Task LoopAsync(Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var user = users[random.Next(users.Count)];
            try
            {
                if (random.Next(2) == 0)
                {
                    var item = items[random.Next(items.Count)];
                    var prediction = await client.PredictAsync(user, item).AsTask().WaitAsync(TimeSpan.FromSeconds(60), stop);
                    Check(prediction.Score, $"predict({user}, {item}) v{prediction.ModelVersion}");
                }
                else
                {
                    var top = await client.RecommendAsync(user, 10).AsTask().WaitAsync(TimeSpan.FromSeconds(60), stop);
                    foreach (var scored in top) Check(scored.Score, $"recommend({user}) → {scored.Item}");
                }
                Interlocked.Increment(ref _calls);
                // Readers observe; they should not be what saturates the box.
                await Task.Delay(5, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _calls);
                _errors.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private void Check(float score, string what)
    {
        Interlocked.Increment(ref _scores);
        if (!float.IsFinite(score)) _nonFinite.Enqueue($"{what} = {score}");
    }
}
