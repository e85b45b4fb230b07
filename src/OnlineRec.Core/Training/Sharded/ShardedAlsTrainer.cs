using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>Outcome of a sharded retrain: the model, the de-duplicated rating count and the final training RMSE.</summary>
public sealed record ShardedTrainingResult(MfModel Model, long Ratings, double TrainRmse);

/// <summary>
/// Biased ALS with the row solves spread over shards. The coordinator (this class) never holds a rating: it builds
/// the id maps from what the shards own (warm start's maps first, new ids in first-appearance order, exactly as the
/// single-process <see cref="AlsTrainer"/> would), initialises the model as <see cref="ModelInitializer"/> does,
/// then per half-step sends every shard the whole fixed side once and scatters the blocks that come back.
/// With the same data, options and warm start the result equals <see cref="AlsTrainer"/>'s up to float rounding:
/// each row's system is built from the same ratings in the same order.
/// </summary>
public sealed class ShardedAlsTrainer(AlsOptions options)
{
    public AlsOptions Options { get; } = options;

    public async Task<ShardedTrainingResult> TrainAsync(IReadOnlyList<IAlsShardWorker> shards, MfModel? warmStart, CancellationToken cancellationToken = default)
    {
        Options.Validate();
        if (shards.Count == 0) throw new ArgumentException("At least one shard is needed.", nameof(shards));
        var summaries = await Task.WhenAll(shards.Select(s => s.PrepareAsync(cancellationToken)));

        var users = warmStart?.Users.Clone() ?? new IdMap();
        var items = warmStart?.Items.Clone() ?? new IdMap();
        AppendNewIds(users, summaries.SelectMany(s => s.Users));
        AppendNewIds(items, summaries.SelectMany(s => s.Items));
        var ratings = summaries.Sum(s => s.Ratings);
        if (ratings == 0) throw new InvalidOperationException("The shards hold no ratings.");
        var globalMean = (float)(summaries.Sum(s => s.ValueSum) / ratings);

        await Task.WhenAll(shards.Select(s => s.BindAsync(users, items, cancellationToken)));
        var model = ModelInitializer.Create(users, items, globalMean, Options.Factors, Options.InitStd, new Random(Options.Seed), warmStart);

        var trainRmse = double.NaN;
        for (var iteration = 1; iteration <= Options.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await HalfStepAsync(shards, ShardSide.Users, model, cancellationToken);
            trainRmse = await HalfStepAsync(shards, ShardSide.Items, model, cancellationToken);
        }
        return new ShardedTrainingResult(model, ratings, trainRmse);
    }

    /// <summary>Ids not in the map yet, in the order a single process would have met them (first appearance).</summary>
    public static void AppendNewIds(IdMap map, IEnumerable<ShardId> owned)
    {
        foreach (var id in owned.Where(o => !map.TryGetIndex(o.Id, out _)).OrderBy(o => o.FirstSeen).ThenBy(o => o.Id, StringComparer.Ordinal))
            map.GetOrAdd(id.Id);
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
            Scatter(solution, factors, bias, solved, k);
            squaredError += solution.SquaredError;
            count += solution.Ratings;
        }
        // A row no shard owns has no ratings: like the single-process solver, its minimiser is zero.
        for (var row = 0; row < rowCount; row++)
        {
            if (solved[row]) continue;
            factors.AsSpan(row * k, k).Clear();
            bias[row] = 0f;
        }
        return count == 0 ? double.NaN : Math.Sqrt(squaredError / count);
    }

    private static void Scatter(ShardSolution solution, float[] factors, float[] bias, bool[] solved, int k)
    {
        var rows = solution.Rows;
        if (solution.Factors.Length != rows.Length * k || solution.Bias.Length != rows.Length)
            throw new InvalidOperationException("A shard returned a block whose size does not match its rows.");
        var failed = new HashSet<int>(solution.FailedRows);
        for (var j = 0; j < rows.Length; j++)
        {
            var row = rows[j];
            if ((uint)row >= (uint)solved.Length || solved[row])
                throw new InvalidOperationException($"A shard returned row {row}, which is out of range or owned by another shard.");
            solved[row] = true;
            if (failed.Contains(j)) continue; // not positive definite: keep the previous values, as the single-process solver does
            var values = solution.Factors.AsSpan(j * k, k);
            if (!VectorMath.AllFinite(values) || !float.IsFinite(solution.Bias[j]))
                throw new InvalidOperationException($"A shard returned non-finite values for row {row}.");
            values.CopyTo(factors.AsSpan(row * k, k));
            bias[row] = solution.Bias[j];
        }
    }
}
