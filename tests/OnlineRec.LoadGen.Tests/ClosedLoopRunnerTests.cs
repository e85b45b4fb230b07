namespace OnlineRec.LoadGen.Tests;

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

    [Fact]
    public async Task The_timeline_counts_every_answer_in_its_second_and_the_slow_ones_in_their_bands()
    {
        var budget = new LoadBudget { Duration = TimeSpan.FromMinutes(5), Warmup = TimeSpan.Zero, Requests = 120 };
        var calls = 0;

        var result = await ClosedLoopRunner.RunAsync(4, budget, async (_, _) =>
        {
            // Every fourth request takes well over 5 ms (timers count whole milliseconds, so a delay can end up to one
            // early): over all three bands.
            if (Interlocked.Increment(ref calls) % 4 == 0) await Task.Delay(10);
            else await Task.Yield();
            return 0;
        });

        Assert.Equal(120, result.Requests);
        Assert.Equal(result.Requests, result.Timeline.Sum(s => s.Requests));
        Assert.All(result.Timeline, s => Assert.True(s.Measured && s.Requests >= s.Over1Ms && s.Over1Ms >= s.Over2Ms && s.Over2Ms >= s.Over5Ms));
        Assert.InRange(result.Timeline.Sum(s => s.Over5Ms), 30, 120);
        Assert.Equal(result.Timeline.Select(s => s.Second).Order(), result.Timeline.Select(s => s.Second));
    }

    [Fact]
    public void Random_draws_pick_every_index_about_equally_often_and_never_out_of_range()
    {
        Assert.Equal(0, RandomDraws.Below(0, 7));
        Assert.Equal(6, RandomDraws.Below(uint.MaxValue, 7));
        var state = RandomDraws.Seed(42);
        var counts = new int[10];
        var ids = new QueryIds("u", 10, 3);
        for (var i = 0; i < 100_000; i++)
        {
            var draw = RandomDraws.Next(ref state);
            counts[RandomDraws.Below((uint)(draw >> 32), 10)]++;
            Assert.StartsWith("u", ids.Item(draw));
        }
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500)); // 10,000 expected, σ ≈ 95
        Assert.Equal(Enumerable.Range(1, 3).Select(i => "u" + i).Order(),
            Enumerable.Range(0, 1_000).Select(_ => ids.Item(RandomDraws.Next(ref state))).Distinct().Order());
    }
}
