using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Implicit;

/// <summary>
/// Online fold-in against an installed ranking model: when a user acts, their vector is re-solved exactly from their
/// interactions with the version's item factors and cached YᵀY held fixed (one k×k solve, no allocation with a
/// reused workspace); a new item is folded in from its users' interactions with X and XᵀX. The result is the row an
/// ALS sweep of that version would produce, so what a user sees between retrains agrees with the next retrain.
/// </summary>
public static class ImplicitFoldIn
{
    /// <summary>
    /// Solves a user's vector from their interactions (item indices of <paramref name="model"/>, aggregated weights
    /// w &gt; 0) into <paramref name="userVector"/>. Returns false, leaving the vector as it was, when the system fails.
    /// </summary>
    public static bool TrySolveUser(ImplicitModel model, ReadOnlySpan<int> items, ReadOnlySpan<float> weights, Span<float> userVector,
        ImplicitSolveWorkspace workspace) =>
        TrySolve(model, items, weights, model.ItemFactors, model.ItemCount, model.ItemGram, userVector, workspace);

    /// <summary>Solves an item's vector from the interactions of its users (user indices, weights) against X and XᵀX.</summary>
    public static bool TrySolveItem(ImplicitModel model, ReadOnlySpan<int> users, ReadOnlySpan<float> weights, Span<float> itemVector,
        ImplicitSolveWorkspace workspace) =>
        TrySolve(model, users, weights, model.UserFactors, model.UserCount, model.UserGram, itemVector, workspace);

    private static bool TrySolve(ImplicitModel model, ReadOnlySpan<int> columns, ReadOnlySpan<float> weights, float[] fixedFactors,
        int fixedRows, float[] gram, Span<float> vector, ImplicitSolveWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var c in columns)
            if ((uint)c >= (uint)fixedRows) throw new ArgumentOutOfRangeException(nameof(columns), c, $"Not an index of the model (it has {fixedRows}).");
        foreach (var w in weights)
            if (!(w > 0f) || !float.IsFinite(w)) throw new ArgumentOutOfRangeException(nameof(weights), w, "Interaction weights must be finite and > 0.");
        return ImplicitRowSolver.TrySolve(columns, weights, fixedFactors, gram, model.FoldInSettings, workspace, vector);
    }
}
