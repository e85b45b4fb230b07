using OnlineRec.Client.Http;

namespace OnlineRec.Client.Tests;

public sealed class CommandLineParsingTests
{
    [Fact]
    public void Ingest_defaults_match_the_documented_ones()
    {
        var parse = TestConsole.Parse("ingest", "u1.base");

        Assert.Empty(parse.Errors);
        Assert.Equal(5000, parse.GetValue<int>("--batch-size"));
        Assert.Equal(4, parse.GetValue<int>("--parallel"));
        Assert.Equal(5, parse.GetValue<int>("--retries"));
        Assert.Equal(new Uri(OnlineRecHttpClient.DefaultUrl), parse.GetValue<Uri>("--url"));
        Assert.Equal("auto", parse.GetValue<string>("--format"));
    }

    [Theory]
    [InlineData("ingest", "f.csv", "--batch-size", "0")]
    [InlineData("ingest", "f.csv", "--parallel", "-2")]
    [InlineData("ingest", "f.csv", "--format", "xml")]
    [InlineData("ingest", "f.csv", "--url", "not a url")]
    [InlineData("ingest", "f.csv", "--url", "ftp://127.0.0.1/")]
    [InlineData("ingest")]
    [InlineData("predict", "196")]
    [InlineData("recommend", "196", "-k", "0")]
    [InlineData("demo", "--test-fraction", "1.5")]
    public void Unusable_arguments_are_parse_errors(params string[] args)
    {
        Assert.NotEmpty(TestConsole.Parse(args).Errors);
    }

    [Fact]
    public void Predict_and_recommend_take_ids_and_k()
    {
        var predict = TestConsole.Parse("predict", "196", "242", "--url", "http://127.0.0.1:5123");
        Assert.Empty(predict.Errors);
        Assert.Equal("196", predict.GetValue<string>("user"));
        Assert.Equal("242", predict.GetValue<string>("item"));
        Assert.Equal(5123, predict.GetValue<Uri>("--url")!.Port);

        var recommend = TestConsole.Parse("recommend", "196", "-k", "25");
        Assert.Empty(recommend.Errors);
        Assert.Equal(25, recommend.GetValue<int>("--k"));
        Assert.Equal(10, TestConsole.Parse("similar", "50").GetValue<int>("--k"));
    }

    [Fact]
    public void Retrain_wait_is_a_flag()
    {
        Assert.True(TestConsole.Parse("retrain", "--wait").GetValue<bool>("--wait"));
        Assert.False(TestConsole.Parse("retrain").GetValue<bool>("--wait"));
    }
}
