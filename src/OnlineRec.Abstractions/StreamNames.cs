namespace OnlineRec.Abstractions;

/// <summary>Names shared by producers and consumers of the rating stream.</summary>
public static class StreamNames
{
    public const string Provider = "ratings";
    public const string RatingsNamespace = "ratings";
    public const int DefaultPartitions = 16;

    /// <summary>The stream (and consuming partition grain) a user's ratings go to. Stable across processes.</summary>
    public static string PartitionOf(string user, int partitions) =>
        $"p{StableHash(user) % (uint)partitions}";

    /// <summary>FNV-1a over UTF-16 code units: string.GetHashCode is randomised per process, so it can't route.</summary>
    public static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }
}
