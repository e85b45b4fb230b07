using OnlineRec.Api.Contracts;
using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Model;

namespace OnlineRec.Client.Http;

/// <summary>
/// Scores held-out ratings against the live model: POST /predictions for each chunk of (user, item) pairs, several
/// chunks in flight, and RMSE/MAE of the (server-clamped) predictions against the true values.
/// </summary>
public sealed class HeldOutScorer(OnlineRecHttpClient http, int parallelism = 4)
{
    public async Task<ErrorMetrics> ScoreAsync(IAsyncEnumerable<RatingEvent[]> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var total = new ErrorAccumulator();
        var gate = new object();
        using var slots = new SemaphoreSlim(parallelism);
        var pending = new List<Task>();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            await slots.WaitAsync(cancellationToken);
            pending.Add(ScoreChunkAsync(chunk));
        }
        await Task.WhenAll(pending);
        return total.Result;

        async Task ScoreChunkAsync(RatingEvent[] chunk)
        {
            try
            {
                var pairs = new PredictionPair[chunk.Length];
                for (var i = 0; i < chunk.Length; i++) pairs[i] = new PredictionPair(chunk[i].User, chunk[i].Item);
                var scores = await http.PredictManyAsync(pairs, cancellationToken);
                lock (gate)
                {
                    for (var i = 0; i < chunk.Length; i++) total.Add(scores[i], chunk[i].Value);
                }
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>Scores an in-memory list in chunks of <paramref name="chunkSize"/>.</summary>
    public Task<ErrorMetrics> ScoreAsync(IReadOnlyList<RatingEvent> events, int chunkSize, CancellationToken cancellationToken = default) =>
        ScoreAsync(Chunks(events, chunkSize), cancellationToken);

#pragma warning disable CS1998 // in-memory source
    private static async IAsyncEnumerable<RatingEvent[]> Chunks(IReadOnlyList<RatingEvent> events, int chunkSize)
#pragma warning restore CS1998
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        for (var start = 0; start < events.Count; start += chunkSize)
        {
            var chunk = new RatingEvent[Math.Min(chunkSize, events.Count - start)];
            for (var i = 0; i < chunk.Length; i++) chunk[i] = events[start + i];
            yield return chunk;
        }
    }
}
