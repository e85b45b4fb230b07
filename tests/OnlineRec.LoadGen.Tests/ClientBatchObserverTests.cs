using OnlineRec.Sdk;

namespace OnlineRec.LoadGen.Tests;

public sealed class ClientBatchObserverTests
{
    private static RequestCoalescer<int, int> Coalescer(string operation) =>
        new(async batch =>
        {
            await Task.Delay(5);
            return batch.Select(i => new BatchAnswer<int>(i, null)).ToArray();
        }, new CoalescingOptions { MaxBatchesInFlight = 1 }, operation);

    [Fact]
    public async Task Counts_the_batches_of_its_operation_only_with_their_sizes_and_round_trips()
    {
        var operation = "observed-" + Guid.NewGuid().ToString("N"); // other tests' coalescers carry other tags
        using var observer = new ClientBatchObserver(operation, TimeSpan.Zero);
        var observed = Coalescer(operation);
        var other = Coalescer("other-" + Guid.NewGuid().ToString("N"));

        // From outside any resume pass: the first leaves at once on the idle lane, the other two queue behind it (the
        // sender answers no sooner than 5 ms later) and leave together.
        var answers = Enumerable.Range(0, 3).Select(i => observed.Enqueue(i).AsTask()).Append(other.Enqueue(9).AsTask()).ToArray();
        await Task.WhenAll(answers);

        var stats = await WaitForResumesAsync(observer, 2);
        Assert.Equal(2, stats.Batches);
        Assert.Equal(3, stats.Requests);
        Assert.Equal(2, stats.RoundTrip.Count);
        Assert.True(stats.RoundTrip.Min >= 4_000_000, $"each batch took ≥ 5 ms to answer, measured {stats.RoundTrip.Min} ns");
    }

    [Fact]
    public async Task Ignores_batches_during_the_warm_up()
    {
        var operation = "warm-" + Guid.NewGuid().ToString("N");
        using var observer = new ClientBatchObserver(operation, TimeSpan.FromHours(1));

        await Coalescer(operation).Enqueue(1);

        var stats = observer.Snapshot();
        Assert.Equal(0, stats.Batches);
        Assert.Equal(0, stats.RoundTrip.Count);
    }

    // A batch's resume pass is recorded after its last caller resumed, possibly just after that caller's await returned.
    private static async Task<ClientBatchStats> WaitForResumesAsync(ClientBatchObserver observer, int batches)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var stats = observer.Snapshot();
            if (stats.Resume.Count >= batches) return stats;
            await Task.Delay(10);
        }
        return observer.Snapshot();
    }
}
