using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>
/// Shape of a synthetic rating set: r = μ + b_u + b_i + p_u·q_i + N(0, σ²), snapped to <see cref="Scale"/>.
/// Defaults give a small MovieLens-like set (1k users, 1.5k items, 100k ratings) for demos and tests.
/// </summary>
public sealed record SyntheticRatingsOptions
{
    public int Users { get; init; } = 1_000;
    public int Items { get; init; } = 1_500;
    public int Ratings { get; init; } = 100_000;

    /// <summary>Rank r of the true factors.</summary>
    public int Rank { get; init; } = 8;

    public float GlobalMean { get; init; } = 3.6f;
    public float UserBiasStd { get; init; } = 0.35f;
    public float ItemBiasStd { get; init; } = 0.45f;

    /// <summary>Standard deviation of the interaction p_u·q_i; factor entries get std (this²/r)^¼.</summary>
    public float InteractionStd { get; init; } = 0.8f;

    /// <summary>σ, the irreducible noise: a perfect model's RMSE on continuous, unclamped ratings.</summary>
    public float NoiseStd { get; init; } = 0.5f;

    /// <summary>Scale to clamp (and, with <see cref="RoundToScale"/>, snap) values to; null keeps them continuous.</summary>
    public RatingScale? Scale { get; init; } = RatingScale.OneToFive;

    /// <summary>Round to the scale's step (no effect for a continuous scale, Step = 0).</summary>
    public bool RoundToScale { get; init; } = true;

    /// <summary>Zipf exponent s: the item of popularity rank k is drawn with weight k^−s (0 = uniform).</summary>
    public double ItemPopularityExponent { get; init; } = 0.9;

    /// <summary>Zipf exponent of user activity: the k-th most active user rates in proportion to k^−a.</summary>
    public double UserActivityExponent { get; init; } = 0.7;

    /// <summary>
    /// No user rates more than this fraction of the items (at least <see cref="MinRatingsPerUser"/>), so even the
    /// most active users have something left to recommend. 1 allows a user to rate everything.
    /// </summary>
    public double MaxUserCoverage { get; init; } = 0.5;

    /// <summary>Most ratings one user may have: the coverage cap, but never below the minimum.</summary>
    public int MaxRatingsPerUser => Math.Max(MinRatingsPerUser, (int)Math.Min(Items, Math.Floor(MaxUserCoverage * Items)));

    /// <summary>
    /// β of an optional selection bias: an item is rated with odds that grow with how much the user likes it,
    /// P ∝ popularity × σ(β·(s_ui − μ)), so observed ratings lean positive as in real logs (missing not at random).
    /// 0 (default) = missing at random. β &gt; 0 costs a score per proposal: about 2–3× slower generation.
    /// </summary>
    public double SelectionBias { get; init; }

    /// <summary>Every user rates at least this many items (so per-user hold-outs leave something to train on).</summary>
    public int MinRatingsPerUser { get; init; } = 5;

    /// <summary>Timestamp (Unix seconds) of the first rating; later ones are strictly increasing.</summary>
    public long StartTimestamp { get; init; } = 1_700_000_000;

    /// <summary>Mean gap between consecutive ratings, in seconds (gaps are 1 + exponential).</summary>
    public double MeanSecondsBetweenRatings { get; init; } = 30;

    public int Seed { get; init; } = 42;

    public void EnsureValid()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Users, 1, nameof(Users));
        ArgumentOutOfRangeException.ThrowIfLessThan(Items, 1, nameof(Items));
        ArgumentOutOfRangeException.ThrowIfLessThan(Rank, 1, nameof(Rank));
        ArgumentOutOfRangeException.ThrowIfNegative(MinRatingsPerUser, nameof(MinRatingsPerUser));
        if (MinRatingsPerUser > Items) throw new ArgumentException($"MinRatingsPerUser ({MinRatingsPerUser}) exceeds Items ({Items}).");
        if (Ratings < (long)Users * MinRatingsPerUser)
            throw new ArgumentException($"Ratings ({Ratings}) is below Users × MinRatingsPerUser ({(long)Users * MinRatingsPerUser}).");
        if (!(MaxUserCoverage is > 0 and <= 1)) throw new ArgumentException($"MaxUserCoverage ({MaxUserCoverage}) must be in (0, 1].");
        if (Ratings > (long)Users * MaxRatingsPerUser)
            throw new ArgumentException(
                $"Ratings ({Ratings}) exceeds Users × MaxRatingsPerUser ({(long)Users * MaxRatingsPerUser}); raise MaxUserCoverage or add users/items.");
        foreach (var (name, value) in new[]
                 {
                     (nameof(GlobalMean), (double)GlobalMean), (nameof(UserBiasStd), UserBiasStd), (nameof(ItemBiasStd), ItemBiasStd),
                     (nameof(InteractionStd), InteractionStd), (nameof(NoiseStd), NoiseStd),
                     (nameof(ItemPopularityExponent), ItemPopularityExponent), (nameof(UserActivityExponent), UserActivityExponent),
                     (nameof(MeanSecondsBetweenRatings), MeanSecondsBetweenRatings), (nameof(SelectionBias), SelectionBias),
                 })
        {
            if (!double.IsFinite(value)) throw new ArgumentException($"{name} must be finite.");
            if (name != nameof(GlobalMean) && value < 0) throw new ArgumentException($"{name} must be ≥ 0.");
        }
        Scale?.EnsureValid();
    }
}
