namespace OnlineRec.Storage.RatingLog;

/// <summary>Where an appended batch landed: sequences FirstSequence..LastSequence inclusive.</summary>
public readonly record struct AppendResult(long FirstSequence, long LastSequence, bool WasDuplicate)
{
    public long Count => LastSequence - FirstSequence + 1;
}
