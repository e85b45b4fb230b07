using OnlineRec.Core.Model;
using OnlineRec.Core.Training.Implicit;

namespace OnlineRec.Core.Training.Sharded;

/// <summary>Outcome of the ranking model's part of a sharded retrain: the model, its interactions and final objective.</summary>
public sealed record ShardedImplicitResult(ImplicitModel Model, long Interactions, double Objective);

/// <summary>
/// Implicit ALS (the ranking model) with the row solves spread over the retrain's shards, in the same retrain as the
/// rating model: over the same <see cref="ShardLayout"/> (same id maps, same log read), each shard having laid out its
/// interaction rows at Bind. Per half-step the coordinator computes the fixed side's Gram matrix once, sends every
/// shard the fixed side, that Gram matrix and the current vectors of the shard's own rows (conjugate gradient starts
/// from them), and scatters the blocks that come back. The model is initialised as <see cref="ImplicitModel.Create"/>
/// does, so with the same log, options and warm start the result equals <see cref="ImplicitTrainer"/>'s to float
/// rounding.
/// </summary>
public sealed class ShardedImplicitTrainer(ImplicitOptions options)
{
    public ImplicitOptions Options { get; } = options;

    /// <summary>A retrain of the ranking model alone: prepares and binds the shards, then trains.</summary>
    public async Task<ShardedImplicitResult> TrainAsync(IReadOnlyList<IImplicitShardWorker> shards, ImplicitModel? warmStart,
        CancellationToken cancellationToken = default)
    {
        Options.Validate();
        var layout = await ShardLayout.PrepareAsync(shards, warmStart?.Users, warmStart?.Items, cancellationToken);
        return await TrainAsync(shards, layout, warmStart, cancellationToken);
    }

    /// <summary>Trains over shards already prepared and bound to <paramref name="layout"/> (whose maps extend the warm start's).</summary>
    public async Task<ShardedImplicitResult> TrainAsync(IReadOnlyList<IImplicitShardWorker> shards, ShardLayout layout, ImplicitModel? warmStart,
        CancellationToken cancellationToken = default)
    {
        Options.Validate();
        ArgumentNullException.ThrowIfNull(layout);
        if (shards.Count != layout.Summaries.Count) throw new ArgumentException("The layout was prepared over a different set of shards.", nameof(shards));
        var model = ImplicitModel.Create(layout.Users, layout.Items, Options, new Random(Options.Seed), warmStart);
        model.Popularity = layout.Popularity(Options.Interactions.PopularityHalfLifeDays);

        long interactions = 0;
        var dataTerm = double.NaN;
        for (var sweep = 1; sweep <= Options.Sweeps; sweep++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await HalfStepAsync(shards, layout, ShardSide.Users, model, cancellationToken);
            (dataTerm, interactions) = await HalfStepAsync(shards, layout, ShardSide.Items, model, cancellationToken);
        }
        model.RefreshGrams(Options.MaxDegreeOfParallelism);
        var objective = dataTerm + Options.Lambda * (SquaredNorm(model.UserFactors) + SquaredNorm(model.ItemFactors));
        return new ShardedImplicitResult(model, interactions, objective);
    }

    // One half-step; returns the solved rows' data term and interaction count.
    private async Task<(double DataTerm, long Interactions)> HalfStepAsync(IReadOnlyList<IImplicitShardWorker> shards, ShardLayout layout,
        ShardSide side, ImplicitModel model, CancellationToken cancellationToken)
    {
        var k = model.Factors;
        var (fixedFactors, fixedCount, solvedFactors, solvedCount) = side == ShardSide.Users
            ? (model.ItemFactors, model.ItemCount, model.UserFactors, model.UserCount)
            : (model.UserFactors, model.UserCount, model.ItemFactors, model.ItemCount);
        // A copy: the fixed side must not change under a shard that is still reading it.
        var fixedCopy = fixedFactors.AsSpan(0, fixedCount * k).ToArray();
        var gram = GramMatrix.Compute(fixedCopy, fixedCount, k, Options.MaxDegreeOfParallelism);
        var needsStart = Options.Solver == ImplicitSolver.ConjugateGradient;
        var solutions = await Task.WhenAll(shards.Select((shard, s) =>
        {
            var start = needsStart ? Gather(solvedFactors, layout.RowsOf(s, side), k) : [];
            return shard.SolveImplicitAsync(side, new ImplicitFixedSide(fixedCopy, gram, start), cancellationToken);
        }));

        return ShardBlocks.ScatterAll(solutions, solvedFactors, null, solvedCount, k);
    }

    private static float[] Gather(float[] factors, int[] rows, int k)
    {
        var start = new float[rows.Length * k];
        for (var j = 0; j < rows.Length; j++) factors.AsSpan(rows[j] * k, k).CopyTo(start.AsSpan(j * k, k));
        return start;
    }

    private static double SquaredNorm(float[] values)
    {
        double sum = 0;
        foreach (var v in values) sum += (double)v * v;
        return sum;
    }
}
