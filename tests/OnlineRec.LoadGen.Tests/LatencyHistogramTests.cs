namespace OnlineRec.LoadGen.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_a_uniform_spread_are_within_one_percent()
    {
        var histogram = new LatencyHistogram();
        for (var us = 1; us <= 10_000; us++) histogram.Record(us * 1_000L); // 1 µs … 10 ms

        Assert.Equal(10_000, histogram.Count);
        Assert.InRange(histogram.ValueAtPercentile(50), 4_950_000, 5_050_000);
        Assert.InRange(histogram.ValueAtPercentile(90), 8_910_000, 9_090_000);
        Assert.InRange(histogram.ValueAtPercentile(99), 9_801_000, 9_999_000);
        Assert.Equal(10_000_000, histogram.ValueAtPercentile(100));
        Assert.Equal(10_000_000, histogram.Max);
        Assert.Equal(1_000, histogram.Min);
        Assert.Equal(5_000_500, histogram.Mean, precision: 0);
    }

    [Fact]
    public void A_rare_slow_request_shows_at_p99_only_when_it_is_more_than_one_percent()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 995; i++) histogram.Record(100_000);     // 0.1 ms
        for (var i = 0; i < 5; i++) histogram.Record(50_000_000);    // 50 ms: 0.5 % of requests

        Assert.InRange(histogram.ValueAtPercentile(99), 99_000, 101_000);
        Assert.InRange(histogram.ValueAtPercentile(99.9), 49_500_000, 50_000_000);
        Assert.Equal(50_000_000, histogram.Max);
    }

    [Fact]
    public void Small_values_are_exact_and_an_empty_histogram_reads_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.Max);

        foreach (var v in new long[] { 3, 7, 7, 200 }) histogram.Record(v);

        Assert.Equal(7, histogram.ValueAtPercentile(50));
        Assert.Equal(200, histogram.ValueAtPercentile(100));
        Assert.Equal(3, histogram.ValueAtPercentile(0));
    }

    [Fact]
    public void Every_value_falls_in_a_bucket_no_wider_than_one_128th_of_it()
    {
        var random = new Random(5);
        for (var i = 0; i < 100_000; i++)
        {
            var value = (long)Math.Pow(2, random.NextDouble() * 41);
            var index = LatencyHistogram.IndexOf(value);
            var high = LatencyHistogram.HighestInBucket(index);
            var low = index == 0 ? 0 : LatencyHistogram.HighestInBucket(index - 1) + 1;
            Assert.InRange(value, low, high);
            Assert.True(high - low <= Math.Max(0, value / 128), $"bucket [{low}, {high}] too wide for {value}");
        }
    }

    [Fact]
    public void Merged_histograms_equal_one_that_saw_everything()
    {
        var left = new LatencyHistogram();
        var right = new LatencyHistogram();
        var all = new LatencyHistogram();
        var random = new Random(11);
        for (var i = 0; i < 5_000; i++)
        {
            var v = random.NextInt64(1, 100_000_000);
            (i % 2 == 0 ? left : right).Record(v);
            all.Record(v);
        }

        left.Add(right);

        Assert.Equal(all.Count, left.Count);
        Assert.Equal(all.Max, left.Max);
        Assert.Equal(all.Min, left.Min);
        foreach (var p in new[] { 1.0, 50, 90, 99, 99.9 }) Assert.Equal(all.ValueAtPercentile(p), left.ValueAtPercentile(p));
    }
}
