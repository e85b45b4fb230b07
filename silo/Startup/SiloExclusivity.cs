using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using OnlineRec.Silo.Options;

namespace OnlineRec.Silo.Startup;

/// <summary>
/// What one silo must have to itself, claimed before anything starts so that a clash ends the start with one line
/// (<see cref="SiloStartException"/>) instead of a half-started silo: its data directory (embedded mode, held by an
/// exclusive lock on <c>silo.lock</c> until the host is disposed) and its silo, gateway and HTTP ports (probed).
/// The probe is needed because Orleans binds its listeners with SocketOptionName.ReuseAddress, which .NET on Linux maps
/// to SO_REUSEPORT as well: a second silo on the same ports would start without error and share the connections.
/// </summary>
public sealed class SiloExclusivity : IDisposable
{
    public const string LockFileName = "silo.lock";

    private FileStream? _lock;

    /// <summary>Claims <paramref name="dataDirectory"/> (null in cluster mode) and checks that every port is free.</summary>
    public void Claim(SiloClusterOptions cluster, string? dataDirectory, IEnumerable<string> urls)
    {
        var siloAddress = ListenAddress(cluster);
        ThrowIfInUse(siloAddress, cluster.SiloPort, $"Cluster:SiloPort {cluster.SiloPort}", "--silo-port");
        ThrowIfInUse(siloAddress, cluster.GatewayPort, $"Cluster:GatewayPort {cluster.GatewayPort}", "--gateway-port");
        foreach (var url in urls)
        {
            var binding = BindingAddress.Parse(url);
            if (binding.IsNamedPipe || binding.IsUnixPipe || binding.Port == 0) continue;
            ThrowIfInUse(HttpAddress(binding.Host), binding.Port, $"the REST address {url}", "--urls");
        }
        if (dataDirectory is not null) LockDataDirectory(dataDirectory);
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private void LockDataDirectory(string dataDirectory)
    {
        var directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, LockFileName);
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix, held until the stream is closed or the process ends.
            _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new SiloStartException(
                $"the data directory {directory} is in use by another silo (it holds {LockFileName}); stop that silo or give another --data-dir",
                SiloStartException.InUse);
        }
    }

    // Where the silo and gateway listen: loopback unless a routable address is advertised (cluster mode in containers).
    private static IPAddress ListenAddress(SiloClusterOptions cluster) =>
        cluster.Mode == ClusterMode.Postgres && IPAddress.TryParse(cluster.AdvertisedAddress, out var advertised) && !IPAddress.IsLoopback(advertised)
            ? IPAddress.Any
            : IPAddress.Loopback;

    private static IPAddress HttpAddress(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetwork ? address
        : IPAddress.Any; // "*", "+", IPv6 or a host name: Kestrel listens on every address, so any listener on the port clashes

    private static void ThrowIfInUse(IPAddress address, int port, string what, string option)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // SO_REUSEADDR alone (not SO_REUSEPORT): connections of a silo that just stopped (TIME_WAIT) do not count, a listener does.
        if (OperatingSystem.IsLinux()) probe.SetRawSocketOption(LinuxSolSocket, LinuxSoReuseAddr, BitConverter.GetBytes(1));
        try
        {
            probe.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new SiloStartException($"{what} is already in use on {address} (another silo?); choose another with {option}", SiloStartException.InUse);
        }
    }

    private const int LinuxSolSocket = 1;
    private const int LinuxSoReuseAddr = 2;
}
