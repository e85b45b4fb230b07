namespace OnlineRec.Core.Model;

/// <summary>
/// Biased matrix factorisation r̂(u,i) = μ + b_u + b_i + p_u·q_i with dense, row-major factor storage.
/// Users and items are addressed by dense index (see <see cref="Users"/>/<see cref="Items"/>); index −1 means
/// "unknown" and contributes neither bias nor factors, so cold-start predictions fall back to μ + known bias.
/// Arrays may be longer than the counts (capacity for growth); only the first Count rows are meaningful.
/// </summary>
public sealed class MfModel : IRatingPredictor
{
    public MfModel(int factors, IdMap users, IdMap items, float globalMean = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        Factors = factors;
        Users = users;
        Items = items;
        GlobalMean = globalMean;
        UserBias = new float[users.Count];
        ItemBias = new float[items.Count];
        UserFactors = new float[users.Count * factors];
        ItemFactors = new float[items.Count * factors];
        _userRows = users.Count;
        _itemRows = items.Count;
    }

    // Rows whose storage has been initialised; the id maps may run ahead until EnsureCapacity is called.
    private int _userRows;
    private int _itemRows;

    public int Factors { get; }
    public IdMap Users { get; }
    public IdMap Items { get; }
    public float GlobalMean { get; set; }
    public float[] UserBias { get; private set; }
    public float[] ItemBias { get; private set; }
    public float[] UserFactors { get; private set; }
    public float[] ItemFactors { get; private set; }

    /// <summary>Users with factor rows (the id map may run ahead until <see cref="EnsureCapacity"/>).</summary>
    public int UserCount => _userRows;
    public int ItemCount => _itemRows;

    public Span<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);
    public Span<float> ItemVector(int item) => ItemFactors.AsSpan(item * Factors, Factors);

    /// <summary>Unclamped prediction; either index may be −1 (unknown).</summary>
    public float PredictRaw(int user, int item)
    {
        var score = GlobalMean;
        var knownUser = (uint)user < (uint)_userRows;
        var knownItem = (uint)item < (uint)_itemRows;
        if (knownUser) score += UserBias[user];
        if (knownItem) score += ItemBias[item];
        if (knownUser && knownItem) score += VectorMath.Dot(UserVector(user), ItemVector(item));
        return score;
    }

    public float Predict(int user, int item, RatingScale scale) => scale.Clamp(PredictRaw(user, item));

    public float Predict(string user, string item, RatingScale scale) =>
        Predict(Users.IndexOf(user), Items.IndexOf(item), scale);

    /// <summary>Fills every factor with N(0, std²) noise and zeroes the biases; used for cold initialisation.</summary>
    public void InitializeRandom(Random random, float std)
    {
        Fill(random, UserFactors.AsSpan(0, UserCount * Factors), std);
        Fill(random, ItemFactors.AsSpan(0, ItemCount * Factors), std);
        Array.Clear(UserBias);
        Array.Clear(ItemBias);
    }

    /// <summary>
    /// Makes room for ids added to <see cref="Users"/>/<see cref="Items"/> since the arrays were sized;
    /// new rows get small random factors and zero bias. Keeps existing rows untouched (warm start).
    /// </summary>
    public void EnsureCapacity(Random random, float initStd)
    {
        UserBias = Grow(UserBias, _userRows, Users.Count, 1, random, 0f);
        ItemBias = Grow(ItemBias, _itemRows, Items.Count, 1, random, 0f);
        UserFactors = Grow(UserFactors, _userRows, Users.Count, Factors, random, initStd);
        ItemFactors = Grow(ItemFactors, _itemRows, Items.Count, Factors, random, initStd);
        _userRows = Users.Count;
        _itemRows = Items.Count;
    }

    /// <summary>A deep copy that shares nothing mutable with this model (id maps are cloned too).</summary>
    public MfModel Clone()
    {
        var copy = new MfModel(Factors, Users.Clone(), Items.Clone(), GlobalMean);
        UserBias.AsSpan(0, UserCount).CopyTo(copy.UserBias);
        ItemBias.AsSpan(0, ItemCount).CopyTo(copy.ItemBias);
        UserFactors.AsSpan(0, UserCount * Factors).CopyTo(copy.UserFactors);
        ItemFactors.AsSpan(0, ItemCount * Factors).CopyTo(copy.ItemFactors);
        return copy;
    }

    /// <summary>True when no bias or factor holds NaN or ±∞.</summary>
    public bool IsFinite() =>
        float.IsFinite(GlobalMean)
        && VectorMath.AllFinite(UserBias.AsSpan(0, UserCount))
        && VectorMath.AllFinite(ItemBias.AsSpan(0, ItemCount))
        && VectorMath.AllFinite(UserFactors.AsSpan(0, UserCount * Factors))
        && VectorMath.AllFinite(ItemFactors.AsSpan(0, ItemCount * Factors));

    // Rows [oldRows, newRows) are initialised; capacity doubles so repeated growth stays amortised O(1).
    private static float[] Grow(float[] array, int oldRows, int newRows, int width, Random random, float std)
    {
        if (newRows <= oldRows) return array;
        var needed = newRows * width;
        if (array.Length < needed)
        {
            var grown = new float[Math.Max(needed, array.Length * 2)];
            array.AsSpan(0, oldRows * width).CopyTo(grown);
            array = grown;
        }
        var fresh = array.AsSpan(oldRows * width, (newRows - oldRows) * width);
        if (std > 0) Fill(random, fresh, std); else fresh.Clear();
        return array;
    }

    internal static void Fill(Random random, Span<float> target, float std)
    {
        for (var i = 0; i < target.Length; i++) target[i] = (float)(random.NextGaussian() * std);
    }
}

public static class RandomExtensions
{
    /// <summary>Standard normal sample (Box–Muller); deterministic for a seeded <see cref="Random"/>.</summary>
    public static double NextGaussian(this Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
