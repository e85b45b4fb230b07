using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;
using OnlineRec.Core.Training.Implicit;

namespace OnlineRec.Core.Tests.Training.Implicit;

public sealed class ImplicitFoldInTests
{
    private static readonly ImplicitOptions Options = new()
    {
        Factors = 8, Sweeps = 6, Alpha = 2f, Lambda = 1f, Seed = 3,
        Interactions = new InteractionOptions { RatingWeight = RatingWeightFunction.Value },
    };

    private static readonly (ImplicitModel Model, InteractionDataset Data) Trained = Train();

    [Fact]
    public void User_fold_in_equals_the_textbook_solve_with_the_items_fixed()
    {
        var (model, data) = Trained;
        var user = 7;
        var items = data.ByUser.RowColumns(user).ToArray();
        var weights = data.ByUser.RowValues(user).ToArray();

        var x = new float[model.Factors];
        Assert.True(ImplicitFoldIn.TrySolveUser(model, items, weights, x, new ImplicitSolveWorkspace(model.Factors)));

        var expected = NaiveImplicitSolve.Solve(model.ItemFactors, model.ItemCount, model.Factors, items, weights, model.Alpha, model.Lambda);
        for (var f = 0; f < x.Length; f++) Assert.Equal(expected[f], x[f], 4);
    }

    [Fact]
    public void User_fold_in_equals_the_row_a_sweep_produces_against_the_installed_items()
    {
        var (model, data) = Trained;
        // What the next user half-step of this version would write for every user.
        var sweep = model.UserFactors.ToArray();
        ImplicitRowSolver.SolveAllRows(data.ByUser, model.ItemFactors, model.ItemGram, sweep, model.FoldInSettings);

        var workspace = new ImplicitSolveWorkspace(model.Factors);
        var x = new float[model.Factors];
        for (var user = 0; user < model.UserCount; user++)
        {
            ImplicitFoldIn.TrySolveUser(model, data.ByUser.RowColumns(user), data.ByUser.RowValues(user), x, workspace);
            Assert.Equal(sweep.AsSpan(user * model.Factors, model.Factors).ToArray(), x);
        }
    }

    [Fact]
    public void New_item_fold_in_equals_the_textbook_solve_with_the_users_fixed()
    {
        var (model, _) = Trained;
        int[] users = [1, 4, 9, 16, 25, 36];
        float[] weights = [1, 1, 2, 1, 5, 1];

        var y = new float[model.Factors];
        Assert.True(ImplicitFoldIn.TrySolveItem(model, users, weights, y, new ImplicitSolveWorkspace(model.Factors)));

        var expected = NaiveImplicitSolve.Solve(model.UserFactors, model.UserCount, model.Factors, users, weights, model.Alpha, model.Lambda);
        for (var f = 0; f < y.Length; f++) Assert.Equal(expected[f], y[f], 4);
    }

    [Fact]
    public void An_event_changes_the_users_next_list_toward_what_they_did()
    {
        var (model, data) = Trained;
        var user = 3;
        var items = data.ByUser.RowColumns(user).ToArray();
        var weights = data.ByUser.RowValues(user).ToArray();
        var workspace = new ImplicitSolveWorkspace(model.Factors);
        var before = new float[model.Factors];
        ImplicitFoldIn.TrySolveUser(model, items, weights, before, workspace);
        // An item far down this user's list, from another taste group.
        var scanner = new TopKScanner(model.ItemFactors, null, model.ItemCount, model.Factors);
        var ranked = scanner.TopK(before, 0f, model.ItemCount, items);
        var target = ranked[^1].Item;

        var after = new float[model.Factors];
        ImplicitFoldIn.TrySolveUser(model, [.. items, target], [.. weights, 10f], after, workspace);

        var rankBefore = Array.FindIndex(ranked, s => s.Item == target);
        var rankedAfter = scanner.TopK(after, 0f, model.ItemCount, items);
        Assert.True(Array.FindIndex(rankedAfter, s => s.Item == target) < rankBefore);
        Assert.NotEqual(ranked.Take(10).Select(s => s.Item), scanner.TopK(after, 0f, 10, [.. items, target]).Select(s => s.Item));
    }

    [Fact]
    public void A_fold_in_with_a_reused_workspace_allocates_nothing()
    {
        var (model, data) = Trained;
        var items = data.ByUser.RowColumns(5).ToArray();
        var weights = data.ByUser.RowValues(5).ToArray();
        var workspace = new ImplicitSolveWorkspace(model.Factors);
        var x = new float[model.Factors];
        ImplicitFoldIn.TrySolveUser(model, items, weights, x, workspace); // JIT and first-call costs

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var n = 0; n < 100; n++) ImplicitFoldIn.TrySolveUser(model, items, weights, x, workspace);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - allocated);
    }

    [Fact]
    public void Unknown_items_and_non_positive_weights_are_refused_and_change_nothing()
    {
        var (model, _) = Trained;
        var workspace = new ImplicitSolveWorkspace(model.Factors);
        var x = Enumerable.Repeat(0.25f, model.Factors).ToArray();

        Assert.Throws<ArgumentOutOfRangeException>(() => ImplicitFoldIn.TrySolveUser(model, [0, model.ItemCount], [1f, 1f], x, workspace));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImplicitFoldIn.TrySolveUser(model, [0, 1], [1f, 0f], x, workspace));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImplicitFoldIn.TrySolveUser(model, [0, 1], [1f, float.NaN], x, workspace));
        Assert.All(x, v => Assert.Equal(0.25f, v));
    }

    private static (ImplicitModel, InteractionDataset) Train()
    {
        var planted = PlantedInteractions.Create(users: 120, items: 80, seed: 9);
        var data = InteractionDataset.FromRatings(planted.Train, Options.Interactions);
        return (new ImplicitTrainer(Options).Train(data), data);
    }
}
