namespace OnlineRec.Grains.Learning;

/// <summary>An item a user rated: the value and the log sequence of the latest rating (later ratings supersede).</summary>
[GenerateSerializer, Immutable, Alias("onlinerec.rated-item")]
public readonly record struct RatedItem(float Value, long Sequence);

/// <summary>Persisted state of a user grain.</summary>
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

    /// <summary>
    /// Written by builds before the applied-sequence form (<see cref="AppliedAfterBase"/>): every rated item with its
    /// latest sequence. Read once on activation to migrate when it holds entries; written empty, never null, so that a
    /// rolled-back build reads a state it can activate (it would re-step the ratings after the snapshot once, which
    /// the next retrain corrects, rather than fail on a null).
    /// </summary>
    [Id(4)] public Dictionary<string, RatedItem> LegacyRated { get; set; } = new(StringComparer.Ordinal);

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
