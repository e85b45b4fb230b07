namespace OnlineRec.Silo.Options;

/// <summary>How this silo joins a cluster (section "Cluster").</summary>
public sealed class SiloClusterOptions
{
    public const string Section = "Cluster";

    public ClusterMode Mode { get; set; } = ClusterMode.Embedded;

    /// <summary>Silos with the same ClusterId (and database) form one cluster; clients must use the same id.</summary>
    public string ClusterId { get; set; } = "onlinerec";

    /// <summary>Stable across redeployments: keys grain state and reminders in the database.</summary>
    public string ServiceId { get; set; } = "onlinerec";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port .NET clients connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Address the other silos and clients reach this silo at (Postgres mode). Empty: loopback, which is right for
    /// several silos on one machine; containers set their own address (e.g. from the pod IP).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Silo name in logs and the membership table; empty = Orleans' default (host name and a number).</summary>
    public string? SiloName { get; set; }

    /// <summary>Apply the database schema at start-up (Postgres mode). Turn off when a `migrate` step runs it instead.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
