using System.Net.Sockets;
using OnlineRec.Client.Demo;
using OnlineRec.Client.Http;
using OnlineRec.Lab.Data;

namespace OnlineRec.Client.Commands;

/// <summary>Turns the failures every platform command can meet into one clear line and an exit code.</summary>
public static class CommandErrors
{
    public static async Task<int> RunAsync(CliContext context, Uri? url, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (DataFormatException ex)
        {
            return context.Fail($"bad data: {ex.Message}", ExitCodes.DataError);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return context.Fail(ex.Message, ExitCodes.DataError);
        }
        catch (ApiProblemException ex)
        {
            return context.Fail($"the server refused the request: {ex.Message}", ExitCodes.ServerError);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            var reason = ex.InnerException is SocketException socket ? socket.Message : ex.Message;
            return context.Fail($"cannot reach the silo at {url} ({reason}). Is it running? (dotnet run --project silo)", ExitCodes.ServerError);
        }
        catch (HttpRequestException ex)
        {
            return context.Fail(ex.Message, ExitCodes.ServerError);
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            return context.Fail($"the silo at {url} did not answer in time.", ExitCodes.ServerError);
        }
        catch (Exception ex) when (ex is InvalidDataException or TimeoutException or DemoSiloException)
        {
            return context.Fail(ex.Message, ExitCodes.ServerError);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return context.Fail(ex.Message, ExitCodes.DataError);
        }
    }
}
