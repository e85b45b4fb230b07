namespace OnlineRec.Grains.Learning;

/// <summary>
/// Persisted state of a user grain: its row and which logged ratings the row includes, not what it rated (the log has
/// that, and <see cref="UserLearner"/> rebuilds it on activation). Field 4 held the rated items in an earlier form and
/// is not reused (docs/decisions/0022-user-state-drops-the-rated-items-field.md).
/// </summary>
[GenerateSerializer, Alias("onlinerec.user-state")]
public sealed class UserState
{
    /// <summary>The model version the vector derives from.</summary>
    [Id(0)] public int ModelVersion { get; set; }

    /// <summary>Ratings with sequence ≤ this are inside the version's ALS solution; later ones were applied by SGD.</summary>
    [Id(1)] public long BaseSequence { get; set; }

    [Id(2)] public float Bias { get; set; }

    /// <summary>Empty until the grain first initialises (lazily, from the model version or a seeded random draw).</summary>
    [Id(3)] public float[] Vector { get; set; } = [];

    /// <summary>Online SGD steps applied since the grain was created.</summary>
    [Id(5)] public long StepsApplied { get; set; }

    /// <summary>True when the user appears in the installed model version (so its vector is learned, not random).</summary>
    [Id(6)] public bool InModel { get; set; }

    /// <summary>
    /// Which logged ratings after <see cref="BaseSequence"/> the vector includes (<see cref="AppliedSequences"/>), so
    /// that a reactivated grain applies exactly the others. Encoded just before each write.
    /// </summary>
    [Id(7)] public byte[] AppliedAfterBase { get; set; } = [];
}

/// <summary>Persisted state of an item grain.</summary>
[GenerateSerializer, Alias("onlinerec.item-state")]
public sealed class ItemState
{
    [Id(0)] public int ModelVersion { get; set; }
    [Id(1)] public float Bias { get; set; }
    [Id(2)] public float[] Vector { get; set; } = [];
    [Id(3)] public long StepsApplied { get; set; }
    [Id(4)] public long LastSequence { get; set; }
    [Id(5)] public bool InModel { get; set; }
}
