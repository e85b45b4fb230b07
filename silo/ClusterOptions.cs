namespace OnlineRec.Silo;

/// <summary>How this silo joins a cluster (section "Cluster").</summary>
public sealed class SiloClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port .NET clients connect to.</summary>
    public int GatewayPort { get; set; } = 30000;
}

/// <summary>REST API limits (section "Api").</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest accepted request body; larger bodies get 400 before anything is parsed.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest k for recommendation and similar-item queries.</summary>
    public int MaxResults { get; set; } = 1000;

    /// <summary>Largest number of pairs in one POST /predictions.</summary>
    public int MaxPredictionPairs { get; set; } = 10_000;
}
