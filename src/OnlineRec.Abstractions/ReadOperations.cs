namespace OnlineRec.Abstractions;

/// <summary>
/// The batched reads as the client's and the silo's metrics name them: every batch measurement carries the tag
/// <see cref="Tag"/> with <see cref="Predict"/> or <see cref="Recommend"/>, so one name joins both ends.
/// </summary>
public static class ReadOperations
{
    public const string Tag = "operation";
    public const string Predict = "predict";
    public const string Recommend = "recommend";
}
