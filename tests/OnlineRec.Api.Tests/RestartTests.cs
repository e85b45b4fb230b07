namespace OnlineRec.Api.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task Every_acknowledged_rating_and_the_installed_model_survive_a_restart()
    {
        await using var silo = await RunningSilo.StartAsync();
        var random = new Random(11);
        long lastSequence = 0;
        for (var batch = 0; batch < 5; batch++)
        {
            var ratings = Enumerable.Range(0, 400)
                .Select(_ => ($"r-u{random.Next(60)}", $"r-i{random.Next(40)}", (double)random.Next(1, 6))).ToArray();
            var (status, body, _) = await silo.Http.PostAsync("/ratings", Json.Ratings(ratings));
            Assert.Equal(202, status);
            lastSequence = body!["lastSequence"]!.GetValue<long>();
        }
        Assert.Equal(202, (await silo.Http.PostAsync("/model/retrain", "{}")).Status);
        await Eventually.Until(async () => (await silo.Http.GetJsonAsync("/model")).Body!,
            m => m["version"]!.GetValue<int>() == 1 && m["status"]!.GetValue<string>() == "idle", TimeSpan.FromSeconds(60));
        var before = (await silo.Http.GetJsonAsync("/users/r-u1/predictions/r-i1")).Body!["score"]!.GetValue<float>();

        await silo.StopAsync();
        await silo.StartAsync();

        var model = await Eventually.Until(async () => (await silo.Http.GetJsonAsync("/model")).Body!,
            m => m["version"]!.GetValue<int>() == 1);
        Assert.Equal(2000, model["ratings"]!.GetValue<long>());
        var prediction = (await silo.Http.GetJsonAsync("/users/r-u1/predictions/r-i1")).Body!;
        Assert.Equal(1, prediction["modelVersion"]!.GetValue<int>());
        Assert.Equal(before, prediction["score"]!.GetValue<float>(), 4);

        // The log continues where it stopped: no sequence is reused.
        var (_, next, _) = await silo.Http.PostAsync("/ratings", Json.Ratings(("r-u1", "r-i99", 3)));
        Assert.Equal(lastSequence + 1, next!["lastSequence"]!.GetValue<long>());
    }
}
