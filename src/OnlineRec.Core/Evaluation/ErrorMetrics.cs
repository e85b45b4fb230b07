namespace OnlineRec.Core.Evaluation;

/// <summary>Root-mean-square and mean absolute error over <see cref="Count"/> predictions (both 0 when empty).</summary>
public readonly record struct ErrorMetrics(long Count, double Rmse, double Mae)
{
    public override string ToString() => $"RMSE {Rmse:F4}  MAE {Mae:F4}  (n = {Count})";
}

/// <summary>Running sums for RMSE/MAE; add (prediction, actual) pairs one at a time. A mutable struct: keep it in a local or field.</summary>
public struct ErrorAccumulator
{
    private double _squared;
    private double _absolute;

    public long Count { get; private set; }

    public void Add(double predicted, double actual)
    {
        var error = predicted - actual;
        _squared += error * error;
        _absolute += Math.Abs(error);
        Count++;
    }

    public readonly double Rmse => Count == 0 ? 0 : Math.Sqrt(_squared / Count);
    public readonly double Mae => Count == 0 ? 0 : _absolute / Count;
    public readonly ErrorMetrics Result => new(Count, Rmse, Mae);

    public void Reset() => this = default;
}
