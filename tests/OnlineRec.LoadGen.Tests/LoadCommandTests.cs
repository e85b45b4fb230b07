using OnlineRec.Client;
using OnlineRec.Client.Tests;

namespace OnlineRec.LoadGen.Tests;

public sealed class LoadCommandTests
{
    private static TestConsole Console() => new(root: LoadCommand.CreateRoot);

    [Theory]
    [InlineData("--via", "carrier-pigeon")]
    [InlineData("--scenario", "predict,delete")]
    [InlineData("--concurrency", "1,ten")]
    [InlineData("--concurrency", "0")]
    [InlineData("--duration", "0")]
    [InlineData("--url", "not a url")]
    public void Unusable_arguments_are_parse_errors(params string[] args)
    {
        Assert.NotEmpty(Console().ParseArgs(args).Errors);
    }

    [Fact]
    public void Takes_lists_of_scenarios_and_concurrency_levels()
    {
        var parse = Console().ParseArgs("--scenario", "predict,recommend", "--via", "client", "-c", "1, 100,1000", "--gateway-port", "31000");

        Assert.Empty(parse.Errors);
        Assert.Equal([1, 100, 1000], LoadCommand.ParseLevels(parse.GetValue<string>("--concurrency")!)!);
        Assert.Equal(["predict", "recommend"], LoadCommand.SplitList(parse.GetValue<string>("--scenario")!));
        Assert.Equal(31000, parse.GetValue<int>("--gateway-port"));
    }

    [Fact]
    public async Task Refuses_a_target_that_is_not_this_machine()
    {
        var console = Console();

        var exit = await console.RunAsync("--url", "http://192.0.2.10:5000", "--duration", "1");

        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Contains("loopback", console.Errors);
    }
}
