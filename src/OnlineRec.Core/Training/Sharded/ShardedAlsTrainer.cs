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
        var solved = new bool[rowCount];
        double squaredError = 0;
        long count = 0;
        foreach (var solution in solutions)
        {
            ShardBlocks.Scatter(solution, factors, bias, solved, k);
            squaredError += solution.SquaredError;
            count += solution.Ratings;
        }
        // A row no shard owns has no ratings: like the single-process solver, its minimiser is zero.
        ShardBlocks.ZeroUnsolved(solved, factors, bias, k);
        return count == 0 ? double.NaN : Math.Sqrt(squaredError / count);
    }
}

/// <summary>How a coordinator writes the blocks shards return into the model it trains.</summary>
internal static class ShardBlocks
{
    /// <summary>
    /// Copies a shard's rows into <paramref name="factors"/> (and <paramref name="bias"/> unless null), marking them in
    /// <paramref name="solved"/>. A failed row keeps its previous values, as the single-process solvers do; a row out of
    /// range, owned twice, or non-finite fails the retrain.
    /// </summary>
    public static void Scatter(ShardSolution solution, float[] factors, float[]? bias, bool[] solved, int k)
    {
        var rows = solution.Rows;
        if (solution.Factors.Length != rows.Length * k || (bias is not null && solution.Bias.Length != rows.Length))
            throw new InvalidOperationException("A shard returned a block whose size does not match its rows.");
        var failed = new HashSet<int>(solution.FailedRows);
        for (var j = 0; j < rows.Length; j++)
        {
            var row = rows[j];
            if ((uint)row >= (uint)solved.Length || solved[row])
                throw new InvalidOperationException($"A shard returned row {row}, which is out of range or owned by another shard.");
            solved[row] = true;
            if (failed.Contains(j)) continue;
            var values = solution.Factors.AsSpan(j * k, k);
            if (!VectorMath.AllFinite(values) || (bias is not null && !float.IsFinite(solution.Bias[j])))
                throw new InvalidOperationException($"A shard returned non-finite values for row {row}.");
            values.CopyTo(factors.AsSpan(row * k, k));
            if (bias is not null) bias[row] = solution.Bias[j];
        }
    }

    /// <summary>Zeroes the rows no shard returned (they have no data, so zero is their minimiser).</summary>
    public static void ZeroUnsolved(bool[] solved, float[] factors, float[]? bias, int k)
    {
        for (var row = 0; row < solved.Length; row++)
        {
            if (solved[row]) continue;
            factors.AsSpan(row * k, k).Clear();
            if (bias is not null) bias[row] = 0f;
        }
    }
}
