using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>Outcome of a sharded retrain: the model, the de-duplicated rating count and the final training RMSE.</summary>
public sealed record ShardedTrainingResult(MfModel Model, long Ratings, double TrainRmse);

/// <summary>
/// Biased ALS with the row solves spread over shards. The coordinator (this class) never holds a rating: it takes the
/// retrain's <see cref="ShardLayout"/> (id maps built from what the shards own, warm start's maps first, new ids in
/// first-appearance order, exactly as the single-process <see cref="AlsTrainer"/> would), initialises the model as
/// <see cref="ModelInitializer"/> does, then per half-step sends every shard the whole fixed side once and scatters
/// the blocks that come back. With the same data, options and warm start the result equals <see cref="AlsTrainer"/>'s
/// up to float rounding: each row's system is built from the same ratings in the same order.
/// </summary>
public sealed class ShardedAlsTrainer(AlsOptions options)
{
    public AlsOptions Options { get; } = options;

    /// <summary>A whole retrain of the rating model alone: prepares and binds the shards, then trains.</summary>
    public async Task<ShardedTrainingResult> TrainAsync(IReadOnlyList<IAlsShardWorker> shards, MfModel? warmStart, CancellationToken cancellationToken = default)
    {
        Options.Validate();
        var layout = await ShardLayout.PrepareAsync(shards, warmStart?.Users, warmStart?.Items, cancellationToken);
        return await TrainAsync(shards, layout, warmStart, cancellationToken);
    }

    /// <summary>
    /// Trains over shards already prepared and bound to <paramref name="layout"/> (whose maps must extend the warm
    /// start's), so another model can sweep over the same shards in the same retrain.
    /// </summary>
    public async Task<ShardedTrainingResult> TrainAsync(IReadOnlyList<IAlsShardWorker> shards, ShardLayout layout, MfModel? warmStart,
        CancellationToken cancellationToken = default)
    {
        Options.Validate();
        ArgumentNullException.ThrowIfNull(layout);
        var ratings = layout.Ratings;
        if (ratings == 0) throw new InvalidOperationException("The shards hold no ratings.");
        var globalMean = (float)(layout.ValueSum / ratings);
        var model = ModelInitializer.Create(layout.Users, layout.Items, globalMean, Options.Factors, Options.InitStd, new Random(Options.Seed), warmStart);

        var trainRmse = double.NaN;
        for (var iteration = 1; iteration <= Options.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await HalfStepAsync(shards, ShardSide.Users, model, cancellationToken);
            trainRmse = await HalfStepAsync(shards, ShardSide.Items, model, cancellationToken);
        }
        return new ShardedTrainingResult(model, ratings, trainRmse);
    }

    // One half-step: every shard solves its rows of `side` given the other side; returns the training RMSE after it.
    private async Task<double> HalfStepAsync(IReadOnlyList<IAlsShardWorker> shards, ShardSide side, MfModel model, CancellationToken cancellationToken)
    {
        var k = model.Factors;
        var (fixedFactors, fixedBias, fixedCount) = side == ShardSide.Users
            ? (model.ItemFactors, model.ItemBias, model.ItemCount)
            : (model.UserFactors, model.UserBias, model.UserCount);
        // A copy: the fixed side must not change under a shard that is still reading it.
        var fixedSide = new FixedSide(fixedFactors.AsSpan(0, fixedCount * k).ToArray(), fixedBias.AsSpan(0, fixedCount).ToArray(), model.GlobalMean);
        var solutions = await Task.WhenAll(shards.Select(s => s.SolveAsync(side, fixedSide, cancellationToken)));

        var (factors, bias, rowCount) = side == ShardSide.Users
            ? (model.UserFactors, model.UserBias, model.UserCount)
            : (model.ItemFactors, model.ItemBias, model.ItemCount);
        var (squaredError, count) = ShardBlocks.ScatterAll(solutions, factors, bias, rowCount, k);
        return count == 0 ? double.NaN : Math.Sqrt(squaredError / count);
    }
}
