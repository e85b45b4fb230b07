using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Bpmf;

/// <summary>
/// The BPMF posterior predictive mean: the average of μ + b_u + b_i + p_u·q_i over the stored Gibbs samples
/// (the average of products, which is not the product of averaged factors). Also keeps the posterior-mean
/// parameters as an <see cref="MfModel"/> for callers that need a single model (e.g. to warm-start another trainer).
/// </summary>
public sealed class BpmfPredictor : IRatingPredictor
{
    private readonly List<MfModel> _samples = [];

    internal BpmfPredictor(MfModel posteriorMean) => PosteriorMean = posteriorMean;

    /// <summary>Mean of the stored samples' parameters (ids as in training).</summary>
    public MfModel PosteriorMean { get; }

    public int SampleCount => _samples.Count;

    public IReadOnlyList<MfModel> Samples => _samples;

    public float PredictRaw(int user, int item)
    {
        if (_samples.Count == 0) return PosteriorMean.PredictRaw(user, item);
        double sum = 0;
        foreach (var sample in _samples) sum += sample.PredictRaw(user, item);
        return (float)(sum / _samples.Count);
    }

    public float Predict(int user, int item, RatingScale scale) => scale.Clamp(PredictRaw(user, item));

    internal void Add(MfModel sample)
    {
        _samples.Add(sample);
        // Running mean of the parameters: m += (x − m)/n.
        var weight = 1f / _samples.Count;
        Blend(PosteriorMean.UserBias, sample.UserBias, weight);
        Blend(PosteriorMean.ItemBias, sample.ItemBias, weight);
        Blend(PosteriorMean.UserFactors, sample.UserFactors, weight);
        Blend(PosteriorMean.ItemFactors, sample.ItemFactors, weight);
    }

    private static void Blend(float[] mean, float[] sample, float weight)
    {
        var n = Math.Min(mean.Length, sample.Length);
        for (var i = 0; i < n; i++) mean[i] += weight * (sample[i] - mean[i]);
    }
}
