using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training;

/// <summary>Creates the starting model of a training run: random (cold) or a copy of an earlier model (warm).</summary>
public static class ModelInitializer
{
    /// <summary>
    /// A model over the dataset's ids with μ = the dataset mean. Cold: factors N(0, initStd²), zero biases.
    /// Warm: the rows of <paramref name="warmStart"/> are copied, ids it does not know yet get rows through
    /// <see cref="MfModel.EnsureCapacity"/> (random factors, zero bias). The result shares nothing mutable with
    /// either argument, so a model that is serving can be retrained while it serves.
    /// </summary>
    public static MfModel Create(RatingDataset data, int factors, float initStd, Random random, MfModel? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Create(data.Users, data.Items, data.GlobalMean, factors, initStd, random, warmStart);
    }

    /// <summary>
    /// As <see cref="Create(RatingDataset, int, float, Random, MfModel?)"/> for a trainer that never holds the ratings
    /// (the sharded ALS coordinator): only the id maps and μ are needed to lay out and initialise the model.
    /// </summary>
    public static MfModel Create(IdMap users, IdMap items, float globalMean, int factors, float initStd, Random random, MfModel? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        if (warmStart is null)
        {
            var cold = new MfModel(factors, users.Clone(), items.Clone(), globalMean);
            cold.InitializeRandom(random, initStd);
            return cold;
        }

        if (warmStart.Factors != factors)
            throw new ArgumentException($"The warm-start model has {warmStart.Factors} factors, the options ask for {factors}.", nameof(warmStart));
        EnsurePrefix(warmStart.Users, warmStart.UserCount, users, "user");
        EnsurePrefix(warmStart.Items, warmStart.ItemCount, items, "item");

        var model = new MfModel(factors,
            new IdMap(warmStart.Users.Ids.Take(warmStart.UserCount)),
            new IdMap(warmStart.Items.Ids.Take(warmStart.ItemCount)),
            globalMean);
        warmStart.UserBias.AsSpan(0, warmStart.UserCount).CopyTo(model.UserBias);
        warmStart.ItemBias.AsSpan(0, warmStart.ItemCount).CopyTo(model.ItemBias);
        warmStart.UserFactors.AsSpan(0, warmStart.UserCount * factors).CopyTo(model.UserFactors);
        warmStart.ItemFactors.AsSpan(0, warmStart.ItemCount * factors).CopyTo(model.ItemFactors);
        for (var u = warmStart.UserCount; u < users.Count; u++) model.Users.GetOrAdd(users[u]);
        for (var i = warmStart.ItemCount; i < items.Count; i++) model.Items.GetOrAdd(items[i]);
        model.EnsureCapacity(random, initStd);
        return model;
    }

    internal static void EnsurePrefix(IdMap model, int modelRows, IdMap data, string kind)
    {
        if (modelRows > data.Count)
            throw new ArgumentException($"The warm-start model knows {modelRows} {kind}s, the dataset only {data.Count}.");
        if (ReferenceEquals(model, data)) return;
        for (var index = 0; index < modelRows; index++)
            if (!string.Equals(model[index], data[index], StringComparison.Ordinal))
                throw new ArgumentException(
                    $"The warm-start model's {kind} ids are not a prefix of the dataset's: index {index} is '{model[index]}' in the model but '{data[index]}' in the data. Build the dataset with the model's id maps.");
    }
}
