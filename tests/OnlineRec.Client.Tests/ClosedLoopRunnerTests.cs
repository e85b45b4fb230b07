using OnlineRec.Client.Load;

namespace OnlineRec.Client.Tests;

public sealed class ClosedLoopRunnerTests
{
    [Fact]
    public async Task A_request_budget_stops_the_run_at_exactly_that_many_measured_requests()
    {
        var budget = new LoadBudget { Duration = TimeSpan.FromMinutes(5), Warmup = TimeSpan.Zero, Requests = 200 };
        var calls = 0;

        var result = await ClosedLoopRunner.RunAsync(8, budget, async (_, _) =>
        {
            Interlocked.Increment(ref calls);
            await Task.Yield();
            return 0;
        });

        Assert.Equal(200, result.Requests + result.Errors);
        Assert.Equal(200, calls);
        Assert.Equal(200, result.Latency.Count);
    }

    [Fact]
    public async Task Failures_are_counted_apart_from_latencies_and_the_first_is_kept()
    {
        var budget = new LoadBudget { Duration = TimeSpan.FromMinutes(5), Warmup = TimeSpan.Zero, Requests = 90 };
        var calls = 0;

        var result = await ClosedLoopRunner.RunAsync(1, budget, (_, _) =>
            Interlocked.Increment(ref calls) % 3 == 0 ? ValueTask.FromException<int>(new InvalidOperationException("boom")) : ValueTask.FromResult(0));

        Assert.Equal(30, result.Errors);
        Assert.Equal(60, result.Requests);
        Assert.Equal("boom", result.FirstError);
    }
}
