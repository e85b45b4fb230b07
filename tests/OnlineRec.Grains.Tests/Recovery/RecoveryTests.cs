using Microsoft.Extensions.DependencyInjection;
using OnlineRec.Abstractions;
using OnlineRec.Core.Model;
using OnlineRec.Grains.Recovery;
using Orleans.TestingHost;

namespace OnlineRec.Grains.Tests.Recovery;

[Collection(ClusterCollection.Name)]
public sealed class RecoveryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_replay_delivers_logged_ratings_that_never_came_through_the_stream_and_only_once()
    {
        var user = "lost-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.GrainFactory.GetGrain<IUserGrain>(user);
        Assert.Equal(0, (await grain.GetFactors()).RatingCount); // active now: it will not re-read the log by itself

        // Appended to the log but never published: what a stream message lost with a dead silo looks like.
        var appended = await ClusterFixture.SharedLog.AppendAsync([new RatingEvent(user, "lost-a", 4, 1), new RatingEvent(user, "lost-b", 2, 2)]);
        Assert.Equal(0, (await grain.GetFactors()).RatingCount);

        var replayer = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost!.Services.GetRequiredService<LogReplayer>();
        var report = await replayer.ReplayAsync(appended.FirstSequence - 1, appended.LastSequence);
        var afterFirst = await grain.GetFactors();
        var again = await replayer.ReplayAsync(appended.FirstSequence - 1, appended.LastSequence);
        var afterSecond = await grain.GetFactors();

        Assert.Equal(2, report.Ratings);
        Assert.Equal(1, report.Users);
        Assert.Equal(0, report.FailedUsers);
        Assert.Equal(2, afterFirst.RatingCount);
        Assert.Equal(["lost-a", "lost-b"], (await grain.GetRatedItems()).Order());
        Assert.Equal(2, again.Ratings);
        Assert.Equal(2, afterSecond.RatingCount); // already applied: no second step
        Assert.Equal(afterFirst.Vector, afterSecond.Vector);
    }
}

public sealed class LogPositionHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Answers_with_the_last_sample_at_or_before_the_time()
    {
        var history = new LogPositionHistory(TimeSpan.FromMinutes(2));
        history.Record(T0, 10);
        history.Record(T0.AddSeconds(5), 50);
        history.Record(T0.AddSeconds(10), 90);

        Assert.Equal(50, history.SequenceAtOrBefore(T0.AddSeconds(7)));
        Assert.Equal(90, history.SequenceAtOrBefore(T0.AddSeconds(60)));
        Assert.Equal(10, history.SequenceAtOrBefore(T0));
    }

    [Fact]
    public void Before_the_first_sample_the_oldest_sample_is_the_bound_and_with_none_everything_replays()
    {
        var history = new LogPositionHistory(TimeSpan.FromMinutes(2));
        Assert.Equal(0, history.SequenceAtOrBefore(T0));

        history.Record(T0.AddSeconds(30), 40);
        Assert.Equal(40, history.SequenceAtOrBefore(T0));
    }

    [Fact]
    public void Drops_samples_older_than_needed_but_keeps_one_that_covers_the_window()
    {
        var history = new LogPositionHistory(TimeSpan.FromSeconds(10));
        for (var s = 0; s <= 60; s += 5) history.Record(T0.AddSeconds(s), s * 10);

        // Window end is t=60: the answer for t=50 is the sample at 50, which must still be there.
        Assert.Equal(500, history.SequenceAtOrBefore(T0.AddSeconds(50)));
        // Older questions get the oldest kept sample, not an older (dropped) one.
        Assert.Equal(500, history.SequenceAtOrBefore(T0.AddSeconds(20)));
    }
}
