namespace OnlineRec.Grains.Options;

/// <summary>How ratings lost in transit are re-delivered after a silo dies (section "Recovery").</summary>
public sealed class RecoveryOptions
{
    public const string Section = "Recovery";

    /// <summary>Turns the replay after a silo's death off (ratings then reach users at their next activation or retrain).</summary>
    public bool ReplayOnSiloFailure { get; set; } = true;

    /// <summary>
    /// How far back the replay starts: ratings appended more than this long before the failure was seen are taken to
    /// have been delivered already (stream delivery takes milliseconds to seconds; this leaves a wide margin).
    /// </summary>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the log's end is sampled, which is the resolution of <see cref="ReplayWindow"/>.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>User grains called at once during a replay.</summary>
    public int UsersInFlight { get; set; } = 128;
}
