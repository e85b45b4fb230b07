namespace OnlineRec.Silo.Options;

/// <summary>REST API limits (section "Api").</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest accepted request body on any endpoint; a larger one gets 413 before anything is parsed.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest k for recommendation and similar-item queries.</summary>
    public int MaxResults { get; set; } = 1000;

    /// <summary>Largest number of pairs in one POST /predictions.</summary>
    public int MaxPredictionPairs { get; set; } = 10_000;
}
