using System.Net;
using Microsoft.Extensions.Options;
using OnlineRec.Grains.Options;

namespace OnlineRec.Silo.Options;

/// <summary>Start-up rules for <see cref="SiloClusterOptions"/> (section "Cluster").</summary>
internal sealed class SiloClusterOptionsValidator : IValidateOptions<SiloClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloClusterOptions o) => new OptionsRules(SiloClusterOptions.Section)
        .Require(Enum.IsDefined(o.Mode), nameof(o.Mode), o.Mode, $"must be one of {string.Join(", ", Enum.GetNames<ClusterMode>())}")
        .InRange(nameof(o.SiloPort), o.SiloPort, 1, IPEndPoint.MaxPort)
        .InRange(nameof(o.GatewayPort), o.GatewayPort, 1, IPEndPoint.MaxPort)
        .Require(o.GatewayPort != o.SiloPort, nameof(o.GatewayPort), o.GatewayPort, "must differ from Cluster:SiloPort")
        .NotBlank(nameof(o.ClusterId), o.ClusterId)
        .NotBlank(nameof(o.ServiceId), o.ServiceId)
        .Require(string.IsNullOrWhiteSpace(o.AdvertisedAddress) || IPAddress.TryParse(o.AdvertisedAddress, out _),
            nameof(o.AdvertisedAddress), o.AdvertisedAddress, "must be an IP address")
        .Result;
}
