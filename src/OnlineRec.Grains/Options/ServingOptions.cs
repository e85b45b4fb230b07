namespace OnlineRec.Grains.Options;

/// <summary>How silos answer reads (section "Serving" in appsettings).</summary>
public sealed class ServingOptions
{
    public const string Section = "Serving";

    /// <summary>
    /// How long a cached top-N list may be served. A list is dropped at once when its user's row changes (a new
    /// rating, a model adoption) or a new model version is installed; this bound covers only the drift of other
    /// items' vectors and newly seen items, so it applies only once some item row has changed since the list was
    /// computed. Zero disables the cache.
    /// </summary>
    public TimeSpan RecommendationMaxAge { get; set; } = TimeSpan.FromSeconds(1);
}
