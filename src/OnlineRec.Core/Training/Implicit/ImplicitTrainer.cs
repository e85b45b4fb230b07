using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Implicit;

/// <summary>Reported after each sweep (users, then items) so callers can watch convergence.</summary>
public readonly record struct ImplicitSweep(int Sweep, ImplicitModel Model, int FailedRows);

/// <summary>
/// Implicit ALS in one process: each sweep solves every user row given the items (with YᵀY computed once), then every
/// item row given the users (with XᵀX), in parallel over rows. Deterministic for a seed, whatever the thread count.
/// With <see cref="ImplicitSolver.Cholesky"/> each half-step minimises the objective exactly over its side, so
/// <see cref="ImplicitObjective"/> never increases.
/// </summary>
public sealed class ImplicitTrainer(ImplicitOptions? options = null)
{
    public ImplicitOptions Options { get; } = options ?? new ImplicitOptions();

    public string Name => "implicit-als";

    /// <summary>
    /// Trains on <paramref name="data"/>. A <paramref name="warmStart"/> is copied, never modified; its id maps must be
    /// a prefix of the data's. The result carries the data's popularity and fresh Gram matrices.
    /// </summary>
    public ImplicitModel Train(InteractionDataset data, ImplicitModel? warmStart = null, Action<ImplicitSweep>? onSweep = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Options.Validate();
        var model = ImplicitModel.Create(data.Users, data.Items, Options, new Random(Options.Seed), warmStart);
        model.Popularity = data.Popularity;
        Refine(model, data, onSweep);
        return model;
    }

    /// <summary>Runs the configured sweeps on <paramref name="model"/> in place (its rows must match the data's), then refreshes its Gram matrices.</summary>
    public void Refine(ImplicitModel model, InteractionDataset data, Action<ImplicitSweep>? onSweep = null)
    {
        if (model.UserCount != data.ByUser.RowCount || model.ItemCount != data.ByItem.RowCount)
            throw new ArgumentException($"The model has {model.UserCount}×{model.ItemCount} rows, the data {data.ByUser.RowCount}×{data.ByItem.RowCount}.");
        var settings = Options.RowSettings;
        var dop = Options.MaxDegreeOfParallelism;
        var k = Options.Factors;
        for (var sweep = 1; sweep <= Options.Sweeps; sweep++)
        {
            var itemGram = GramMatrix.Compute(model.ItemFactors, model.ItemCount, k, dop);
            var failed = ImplicitRowSolver.SolveAllRows(data.ByUser, model.ItemFactors, itemGram, model.UserFactors, settings, dop);
            var userGram = GramMatrix.Compute(model.UserFactors, model.UserCount, k, dop);
            failed += ImplicitRowSolver.SolveAllRows(data.ByItem, model.UserFactors, userGram, model.ItemFactors, settings, dop);
            onSweep?.Invoke(new ImplicitSweep(sweep, model, failed));
        }
        model.RefreshGrams(dop);
    }
}
