namespace OnlineRec.Grains;

/// <summary>Names of the grain storage providers the grains use; hosts register providers under these names.</summary>
public static class GrainStorageNames
{
    /// <summary>User, item and reconciler state.</summary>
    public const string State = "state";
}
