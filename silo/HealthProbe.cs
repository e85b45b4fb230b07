using Microsoft.AspNetCore.Http;

namespace OnlineRec.Silo;

/// <summary>
/// <c>OnlineRec.Silo --health-probe [settings]</c>: exit 0 when GET /health answers 200 on this machine, else 1. It reads
/// the REST address the way the silo does (--urls, ASPNETCORE_URLS, appsettings), so a container that moves the port
/// needs no second setting.
/// </summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(new Uri(LocalBase(args), "/health"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }

    private static Uri LocalBase(string[] args)
    {
        var configuration = SiloHost.ReadConfiguration(args.Where(a => a != "--health-probe").ToArray());
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? SiloHost.DefaultUrl;
        var binding = BindingAddress.Parse(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]);
        // The silo may listen on every address ("+", "*", 0.0.0.0); the probe asks on loopback.
        return new Uri($"{binding.Scheme}://127.0.0.1:{binding.Port}");
    }
}
