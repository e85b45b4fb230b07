using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>A generated rating set: time-ordered events plus the truth they were drawn from.</summary>
public sealed record SyntheticDataset(RatingEvent[] Events, SyntheticGroundTruth Truth, SyntheticRatingsOptions Options)
{
    /// <summary>
    /// RMSE of the true model (clamped to the scale) against the generated values: what a perfect learner
    /// would score. Equals about σ for continuous data; rounding adds roughly step²/12 to the variance.
    /// </summary>
    public double NoiseFloorRmse { get; init; }

    /// <summary>
    /// The same floor on a subset, e.g. a test split: RMSE of the (clamped) true model on <paramref name="events"/>,
    /// which must come from this dataset. A trainer is "at the floor" when its test RMSE is close to this.
    /// </summary>
    public double NoiseFloorRmseOn(IEnumerable<RatingEvent> events)
    {
        var sum = 0.0;
        long count = 0;
        foreach (var e in events)
        {
            var score = Truth.Score(SyntheticGroundTruth.UserIndex(e.User), SyntheticGroundTruth.ItemIndex(e.Item));
            var perfect = Options.Scale is null ? score : Options.Scale.Clamp(score);
            sum += (double)(e.Value - perfect) * (e.Value - perfect);
            count++;
        }
        return count == 0 ? 0 : Math.Sqrt(sum / count);
    }
}

/// <summary>
/// Seeded generator of low-rank rating data with power-law popularity and activity. Deterministic for a given
/// <see cref="SyntheticRatingsOptions"/> (including the seed); no (user, item) pair occurs twice.
/// </summary>
public static class SyntheticRatings
{
    public static SyntheticDataset Generate(SyntheticRatingsOptions? options = null)
    {
        options ??= new SyntheticRatingsOptions();
        options.EnsureValid();
        var random = new Random(options.Seed);

        var truth = DrawTruth(options, random);
        var userWeights = new ZipfWeights(options.Users, options.UserActivityExponent, random);
        var itemWeights = new ZipfWeights(options.Items, options.ItemPopularityExponent, random);
        var counts = RatingsPerUser(options, userWeights);

        var n = options.Ratings;
        var users = new int[n];
        var items = new int[n];
        var picker = new DistinctItemPicker(itemWeights, truth, options.SelectionBias);
        var at = 0;
        for (var u = 0; u < options.Users; u++)
        {
            var picked = picker.Pick(u, counts[u], random);
            picked.CopyTo(items.AsSpan(at));
            users.AsSpan(at, picked.Length).Fill(u);
            at += picked.Length;
        }

        // Interleave users in time: a seeded shuffle of event order, then strictly increasing timestamps.
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        random.Shuffle(order);

        var userIds = Ids(options.Users, SyntheticGroundTruth.UserId);
        var itemIds = Ids(options.Items, SyntheticGroundTruth.ItemId);
        var events = new RatingEvent[n];
        var timestamp = options.StartTimestamp;
        double squaredFloorError = 0;
        for (var e = 0; e < n; e++)
        {
            var u = users[order[e]];
            var i = items[order[e]];
            var score = truth.Score(u, i);
            var value = Observe(score + (float)(random.NextGaussian() * options.NoiseStd), options);
            var perfect = options.Scale is null ? score : options.Scale.Clamp(score);
            squaredFloorError += (double)(value - perfect) * (value - perfect);
            events[e] = new RatingEvent(userIds[u], itemIds[i], value, timestamp);
            timestamp += 1 + (long)(-Math.Log(1.0 - random.NextDouble()) * options.MeanSecondsBetweenRatings);
        }

        return new SyntheticDataset(events, truth, options) { NoiseFloorRmse = n == 0 ? 0 : Math.Sqrt(squaredFloorError / n) };
    }

    private static SyntheticGroundTruth DrawTruth(SyntheticRatingsOptions o, Random random)
    {
        // Var(p·q) = r·s⁴ for independent N(0, s²) entries, so s = (std²/r)^¼ gives the requested interaction spread.
        var factorStd = (float)Math.Pow(o.InteractionStd * (double)o.InteractionStd / o.Rank, 0.25);
        var userBias = Gaussian(random, o.Users, o.UserBiasStd);
        var itemBias = Gaussian(random, o.Items, o.ItemBiasStd);
        var userFactors = Gaussian(random, o.Users * o.Rank, factorStd);
        var itemFactors = Gaussian(random, o.Items * o.Rank, factorStd);
        return new SyntheticGroundTruth(o.Users, o.Items, o.Rank, o.GlobalMean, userBias, itemBias, userFactors, itemFactors);
    }

    private static float[] Gaussian(Random random, int count, float std)
    {
        var values = new float[count];
        MfModel.Fill(random, values, std);
        return values;
    }

    private static float Observe(float raw, SyntheticRatingsOptions o)
    {
        if (o.Scale is null) return raw;
        if (o.RoundToScale && o.Scale.Step > 0)
            raw = (float)(o.Scale.Min + Math.Round((raw - o.Scale.Min) / o.Scale.Step, MidpointRounding.AwayFromZero) * o.Scale.Step);
        return o.Scale.Clamp(raw);
    }

    /// <summary>
    /// Splits the rating budget: each user gets the minimum, the rest is shared in proportion to activity weight,
    /// never more than <see cref="SyntheticRatingsOptions.MaxRatingsPerUser"/>; leftovers go to users in index order.
    /// </summary>
    private static int[] RatingsPerUser(SyntheticRatingsOptions o, ZipfWeights activity)
    {
        var counts = new int[o.Users];
        var cap = o.MaxRatingsPerUser;
        var spare = (long)o.Ratings - (long)o.Users * o.MinRatingsPerUser;
        long assigned = 0;
        for (var u = 0; u < o.Users; u++)
        {
            var share = (long)(spare * activity.Weights[u] / activity.Total);
            counts[u] = (int)Math.Min(o.MinRatingsPerUser + share, cap);
            assigned += counts[u];
        }
        // Leftovers (rounding, or shares cut by the cap) fill users that still have room. Ratings ≤ Users × cap
        // (checked by EnsureValid) guarantees this ends.
        var left = o.Ratings - assigned;
        while (left > 0)
        {
            for (var u = 0; u < o.Users && left > 0; u++)
            {
                if (counts[u] >= cap) continue;
                var add = (int)Math.Min(left, Math.Max(1, Math.Min(cap - counts[u], left / o.Users)));
                counts[u] += add;
                left -= add;
            }
        }
        return counts;
    }

    private static string[] Ids(int count, Func<int, string> id)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++) ids[i] = id(i);
        return ids;
    }
}

/// <summary>
/// Draws distinct items for one user with probability ∝ popularity × σ(β·(s_ui − μ)), s_ui the noise-free score:
/// users tend to rate what they like (ratings are missing not at random), which gives ranking metrics something to
/// find. Rejection sampling is cheap while the user's picks cover little of that mass; when rejections pile up
/// (heavy users, steep Zipf) it switches to exact weighted sampling without replacement by exponential keys
/// (Efraimidis–Spirakis), O(items log items) for that user.
/// </summary>
internal sealed class DistinctItemPicker
{
    private readonly ZipfWeights _weights;
    private readonly SyntheticGroundTruth _truth;
    private readonly double _selectionBias;
    private readonly bool[] _taken;
    private readonly int[] _picked;
    private double[]? _keys;
    private int[]? _order;

    public DistinctItemPicker(ZipfWeights weights, SyntheticGroundTruth truth, double selectionBias)
    {
        _weights = weights;
        _truth = truth;
        _selectionBias = selectionBias;
        _taken = new bool[weights.Count];
        _picked = new int[weights.Count];
    }

    /// <summary>Distinct item indices for <paramref name="user"/>; the span is valid until the next call.</summary>
    public ReadOnlySpan<int> Pick(int user, int count, Random random) =>
        count * 2 <= _weights.Count && TryRejection(user, count, random) ? _picked.AsSpan(0, count) : ByKeys(user, count, random);

    // σ(β(s − μ)) in (0, 1); exactly 1 without selection bias so no proposal is wasted.
    private double Acceptance(int user, int item) =>
        _selectionBias == 0 ? 1 : 1 / (1 + Math.Exp(-_selectionBias * (_truth.Score(user, item) - _truth.GlobalMean)));

    private bool TryRejection(int user, int count, Random random)
    {
        var found = 0;
        var budget = 16L * count + 64;
        while (found < count && budget-- > 0)
        {
            var item = _weights.Draw(random);
            if (_taken[item]) continue;
            if (_selectionBias != 0 && random.NextDouble() >= Acceptance(user, item)) continue;
            _taken[item] = true;
            _picked[found++] = item;
        }
        for (var j = 0; j < found; j++) _taken[_picked[j]] = false;
        return found == count;
    }

    private ReadOnlySpan<int> ByKeys(int user, int count, Random random)
    {
        var n = _weights.Count;
        _keys ??= new double[n];
        _order ??= new int[n];
        for (var i = 0; i < n; i++)
        {
            // Smallest Exp(1)/w first ⇔ largest U^(1/w): item i is picked with probability ∝ w, without replacement.
            _keys[i] = -Math.Log(1.0 - random.NextDouble()) / (_weights.Weights[i] * Acceptance(user, i));
            _order[i] = i;
        }
        Array.Sort(_keys, _order);
        return _order.AsSpan(0, count);
    }
}
