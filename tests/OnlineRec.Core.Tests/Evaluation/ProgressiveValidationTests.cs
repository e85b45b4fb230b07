using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Model;

namespace OnlineRec.Core.Tests.Evaluation;

public sealed class ProgressiveValidationTests
{
    [Fact]
    public void Each_event_is_predicted_before_it_is_learned()
    {
        // A running-mean learner: it predicts the mean of the values it has learned so far (3 before any).
        RatingEvent[] stream = [new("a", "x", 5, 1), new("b", "x", 1, 2), new("c", "x", 3, 3), new("d", "x", 4, 4), new("e", "x", 2, 5)];
        double sum = 0;
        var seen = 0;
        var order = new List<string>();

        var report = ProgressiveValidation.Run(stream,
            e => { order.Add("predict " + e.User); return seen == 0 ? 3f : (float)(sum / seen); },
            e => { order.Add("learn " + e.User); sum += e.Value; seen++; },
            new ProgressiveValidationOptions { WindowSize = 2 });

        // Predictions 3, 5, 3, 3, 3.25 against 5, 1, 3, 4, 2: errors −2, 4, 0, −1, 1.25.
        Assert.Equal(["predict a", "learn a", "predict b", "learn b"], order.Take(4));
        Assert.Equal(5, report.Overall.Count);
        Assert.Equal(Math.Sqrt((4 + 16 + 0 + 1 + 1.5625) / 5), report.Overall.Rmse, 1e-9);
        Assert.Equal((2 + 4 + 0 + 1 + 1.25) / 5, report.Overall.Mae, 1e-9);
        Assert.Equal([0L, 2L, 4L], report.Windows.Select(w => w.FirstEvent));
        Assert.Equal(Math.Sqrt(10), report.Windows[0].Metrics.Rmse, 1e-9);
        Assert.Equal(0.5, report.Windows[1].Metrics.Mae, 1e-9);
        Assert.Equal(new ErrorMetrics(1, 1.25, 1.25), report.Latest);
    }

    [Fact]
    public void Warm_up_events_are_learned_but_not_scored_and_scale_clamps()
    {
        Rating[] stream = [new(0, 0, 5), new(0, 1, 5), new(0, 2, 1)];
        var learned = 0;

        var report = ProgressiveValidation.Run(stream, _ => 9f, r => r.Value, _ => learned++,
            new ProgressiveValidationOptions { WarmUpEvents = 1, Scale = RatingScale.OneToFive, WindowSize = 10 });

        Assert.Equal(3, learned);
        Assert.Equal(2, report.Overall.Count);
        Assert.Equal(2.0, report.Overall.Mae, 1e-12); // 9 → 5: errors 0 and 4
        Assert.Equal(1L, Assert.Single(report.Windows).FirstEvent);
    }
}
