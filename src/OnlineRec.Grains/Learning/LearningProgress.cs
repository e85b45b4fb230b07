namespace OnlineRec.Grains.Learning;

/// <summary>
/// How many ratings the user grains of this silo have taken up since it started: one per SGD step applied (or refused
/// as non-finite), never for a redelivery skipped by sequence. Lets scripts wait for learning to catch up with
/// ingestion (<c>GET /model</c> reports it as <c>learned</c>) instead of sleeping.
/// </summary>
public sealed class LearningProgress
{
    private long _learned;

    public long Learned => Interlocked.Read(ref _learned);

    public void Applied() => Interlocked.Increment(ref _learned);
}
