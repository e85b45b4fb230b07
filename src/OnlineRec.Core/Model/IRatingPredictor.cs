namespace OnlineRec.Core.Model;

/// <summary>
/// Anything that scores a (user, item) pair by dense index: a single <see cref="MfModel"/> or an ensemble such as
/// the BPMF posterior average. Index −1 means "unknown" and must still yield a finite score.
/// </summary>
public interface IRatingPredictor
{
    /// <summary>The unclamped predicted rating.</summary>
    float PredictRaw(int user, int item);
}
