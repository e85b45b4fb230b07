using OnlineRec.Core.Training;
using OnlineRec.Core.Training.Implicit;

namespace OnlineRec.Core.Model;

/// <summary>
/// The ranking model: implicit ALS, score(u, i) = x_u·y_i (no biases), with the settings it was trained with (α, λ, how
/// interactions are weighed) and what serving and online fold-in need from it: the Gram matrices XᵀX and YᵀY of the
/// trained factors (one k×k solve folds a user in against Y, an item against X) and the items' popularity for users
/// without interactions. Users and items are addressed by dense index into <see cref="Users"/>/<see cref="Items"/>,
/// which a version shares with its rating model.
/// </summary>
public sealed class ImplicitModel
{
    public ImplicitModel(int factors, IdMap users, IdMap items, float alpha, float lambda, InteractionOptions interactions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(interactions);
        new ImplicitRowSettings(factors, alpha, lambda).Validate();
        Factors = factors;
        Users = users;
        Items = items;
        Alpha = alpha;
        Lambda = lambda;
        Interactions = interactions;
        UserCount = users.Count;
        ItemCount = items.Count;
        UserFactors = new float[UserCount * factors];
        ItemFactors = new float[ItemCount * factors];
        UserGram = new float[factors * factors];
        ItemGram = new float[factors * factors];
        Popularity = ItemPopularity.Empty(ItemCount, interactions.PopularityHalfLifeDays);
    }

    public int Factors { get; }
    public IdMap Users { get; }
    public IdMap Items { get; }

    /// <summary>Users with a factor row (the id map is never grown after construction).</summary>
    public int UserCount { get; }
    public int ItemCount { get; }

    public float Alpha { get; }
    public float Lambda { get; }
    public InteractionOptions Interactions { get; }

    public float[] UserFactors { get; }
    public float[] ItemFactors { get; }

    /// <summary>XᵀX (k×k, row-major) of <see cref="UserFactors"/> as of the last <see cref="RefreshGrams"/>.</summary>
    public float[] UserGram { get; private set; }

    /// <summary>YᵀY (k×k, row-major) of <see cref="ItemFactors"/> as of the last <see cref="RefreshGrams"/>.</summary>
    public float[] ItemGram { get; private set; }

    /// <summary>Decayed interaction counts per item (what a user with no interactions is shown).</summary>
    public ItemPopularity Popularity
    {
        get;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value.ItemCount == ItemCount ? value : value.Resize(ItemCount);
        }
    }

    /// <summary>Row settings of a fold-in against this version: its k, α and λ, solved exactly.</summary>
    public ImplicitRowSettings FoldInSettings => new(Factors, Alpha, Lambda, ImplicitSolver.Cholesky);

    public Span<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);
    public Span<float> ItemVector(int item) => ItemFactors.AsSpan(item * Factors, Factors);

    /// <summary>x_u·y_i; 0 when either index is unknown (−1 or out of range).</summary>
    public float Score(int user, int item) =>
        (uint)user < (uint)UserCount && (uint)item < (uint)ItemCount ? VectorMath.Dot(UserVector(user), ItemVector(item)) : 0f;

    /// <summary>Recomputes XᵀX and YᵀY from the current factors (after training, before the version is served).</summary>
    public void RefreshGrams(int maxDegreeOfParallelism = -1)
    {
        UserGram = GramMatrix.Compute(UserFactors, UserCount, Factors, maxDegreeOfParallelism);
        ItemGram = GramMatrix.Compute(ItemFactors, ItemCount, Factors, maxDegreeOfParallelism);
    }

    /// <summary>True when no factor or Gram entry holds NaN or ±∞.</summary>
    public bool IsFinite() =>
        VectorMath.AllFinite(UserFactors) && VectorMath.AllFinite(ItemFactors)
        && VectorMath.AllFinite(UserGram) && VectorMath.AllFinite(ItemGram);

    /// <summary>A deep copy sharing nothing mutable (id maps cloned, popularity shared: it is never changed in place).</summary>
    public ImplicitModel Clone()
    {
        var copy = new ImplicitModel(Factors, Users.Clone(), Items.Clone(), Alpha, Lambda, Interactions) { Popularity = Popularity };
        UserFactors.CopyTo(copy.UserFactors);
        ItemFactors.CopyTo(copy.ItemFactors);
        copy.UserGram = (float[])UserGram.Clone();
        copy.ItemGram = (float[])ItemGram.Clone();
        return copy;
    }

    /// <summary>
    /// The starting model of a training run over <paramref name="users"/>/<paramref name="items"/>. Cold: factors
    /// N(0, InitStd²), users then items. Warm: <paramref name="warmStart"/>'s rows are copied (its id maps must be a
    /// prefix of the given ones), ids it does not know get random rows, users then items. Shares nothing mutable with
    /// its arguments, so a version that is serving can be retrained while it serves.
    /// </summary>
    public static ImplicitModel Create(IdMap users, IdMap items, ImplicitOptions options, Random random, ImplicitModel? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var k = options.Factors;
        var model = new ImplicitModel(k, users.Clone(), items.Clone(), options.Alpha, options.Lambda, options.Interactions);
        var (knownUsers, knownItems) = (0, 0);
        if (warmStart is not null)
        {
            if (warmStart.Factors != k)
                throw new ArgumentException($"The warm-start model has {warmStart.Factors} factors, the options ask for {k}.", nameof(warmStart));
            ModelInitializer.EnsurePrefix(warmStart.Users, warmStart.UserCount, users, "user");
            ModelInitializer.EnsurePrefix(warmStart.Items, warmStart.ItemCount, items, "item");
            (knownUsers, knownItems) = (warmStart.UserCount, warmStart.ItemCount);
            warmStart.UserFactors.AsSpan(0, knownUsers * k).CopyTo(model.UserFactors);
            warmStart.ItemFactors.AsSpan(0, knownItems * k).CopyTo(model.ItemFactors);
        }
        MfModel.Fill(random, model.UserFactors.AsSpan(knownUsers * k), options.InitStd);
        MfModel.Fill(random, model.ItemFactors.AsSpan(knownItems * k), options.InitStd);
        return model;
    }
}
