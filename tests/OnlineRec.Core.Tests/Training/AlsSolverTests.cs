using MathNet.Numerics.LinearAlgebra;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;

namespace OnlineRec.Core.Tests.Training;

public sealed class AlsSolverTests
{
    [Theory]
    [InlineData(DenseSolver.Cholesky)]
    [InlineData(DenseSolver.MathNet)]
    public void Half_step_on_fully_observed_data_equals_the_closed_form(DenseSolver solver)
    {
        // X (users × items) fully observed, W (items × k) fixed: Zᵀ = (WᵀW + λI)⁻¹ WᵀXᵀ.
        const int users = 12, items = 30, k = 5;
        const float lambda = 0.7f;
        var random = new Random(3);
        var x = Matrix<double>.Build.Dense(users, items, (_, _) => Math.Round(1 + 4 * random.NextDouble()));
        var w = Matrix<double>.Build.Dense(items, k, (_, _) => random.NextGaussian() * 0.5);
        var expected = (w.TransposeThisAndMultiply(w) + lambda * Matrix<double>.Build.DenseIdentity(k))
            .Solve(w.TransposeThisAndMultiply(x.Transpose())); // k × users

        var data = Dense(x);
        var fixedFactors = new float[items * k];
        for (var i = 0; i < items; i++)
            for (var f = 0; f < k; f++) fixedFactors[i * k + f] = (float)w[i, f];
        var settings = new AlsRowSettings(k, SolveBias: false, new Regularization(lambda, 0f, RegularizationScaling.None), solver);
        var outFactors = new float[users * k];

        var failures = AlsSolver.SolveRows(data.ByUser, 0, users, fixedFactors, [], 0f, outFactors, [], settings,
            new RowSolveWorkspace(k, includeBias: false));

        Assert.Equal(0, failures);
        for (var u = 0; u < users; u++)
            for (var f = 0; f < k; f++) Assert.Equal(expected[f, u], outFactors[u * k + f], 1e-3);
    }

    [Fact]
    public void Biased_row_solve_matches_the_augmented_least_squares_solution()
    {
        // The user row [p_u, b_u] minimises Σ (r − μ − b_i − b_u − p_u·q_i)² + λ_f√n‖p‖² + λ_b b_u².
        const int k = 6;
        var model = LowRankRatings.Create(users: 40, items: 60, density: 0.5, seed: 11).Train;
        var random = new Random(5);
        var q = new float[model.Items.Count * k];
        var bi = new float[model.Items.Count];
        for (var n = 0; n < q.Length; n++) q[n] = (float)(0.3 * random.NextGaussian());
        for (var n = 0; n < bi.Length; n++) bi[n] = (float)(0.2 * random.NextGaussian());
        var regularization = new Regularization(0.4f, 2f, RegularizationScaling.SqrtCount, RegularizationScaling.None);
        var mu = model.GlobalMean;

        const int user = 3;
        var columns = model.ByUser.RowColumns(user);
        var values = model.ByUser.RowValues(user);
        var z = Matrix<double>.Build.Dense(columns.Length, k + 1);
        var t = Vector<double>.Build.Dense(columns.Length);
        for (var j = 0; j < columns.Length; j++)
        {
            for (var f = 0; f < k; f++) z[j, f] = q[columns[j] * k + f];
            z[j, k] = 1;
            t[j] = values[j] - mu - bi[columns[j]];
        }
        var rowLength = columns.Length;
        var penalty = Matrix<double>.Build.Diagonal(k + 1, k + 1, a => a < k ? regularization.FactorPenalty(rowLength) : regularization.BiasPenalty(rowLength));
        var expected = (z.TransposeThisAndMultiply(z) + penalty).Solve(z.TransposeThisAndMultiply(t));

        var outFactors = new float[k];
        var outBias = new float[1];
        AlsSolver.SolveRows(model.ByUser, user, 1, q, bi, mu, outFactors, outBias,
            new AlsRowSettings(k, true, regularization), new RowSolveWorkspace(k));

        for (var f = 0; f < k; f++) Assert.Equal(expected[f], outFactors[f], 1e-4);
        Assert.Equal(expected[k], outBias[0], 1e-4);
    }

    [Fact]
    public void Own_cholesky_and_mathnet_give_the_same_model()
    {
        var data = LowRankRatings.Create(users: 80, items: 60, seed: 2).Train;
        var ours = new AlsTrainer(new AlsOptions { Factors = 16, Iterations = 3 }).Train(data);
        var reference = new AlsTrainer(new AlsOptions { Factors = 16, Iterations = 3, Solver = DenseSolver.MathNet }).Train(data);

        for (var n = 0; n < ours.UserCount * 16; n++) Assert.Equal(reference.UserFactors[n], ours.UserFactors[n], 2e-3);
        for (var n = 0; n < ours.ItemCount; n++) Assert.Equal(reference.ItemBias[n], ours.ItemBias[n], 2e-3);
    }

    [Fact]
    public void A_row_without_ratings_gets_zeros_and_a_singular_row_keeps_its_values()
    {
        var users = new IdMap(["a", "b", "c"]);
        var items = new IdMap(["x", "y"]);
        // "a" rated both items; "b" nothing; "c" rated x only but with λ = 0 and k = 2 its system is singular.
        var data = new RatingDataset(users, items, [new Rating(0, 0, 4), new Rating(0, 1, 2), new Rating(2, 0, 5)]);
        float[] itemFactors = [1, 0, 0, 1];
        float[] outFactors = [9, 9, 9, 9, 7, 7];
        var settings = new AlsRowSettings(2, false, new Regularization(0f, 0f, RegularizationScaling.None));

        var failures = AlsSolver.SolveRows(data.ByUser, 0, 3, itemFactors, [], 0f, outFactors, [], settings, new RowSolveWorkspace(2, false));

        Assert.Equal(1, failures);
        Assert.Equal([4f, 2f, 0f, 0f, 7f, 7f], outFactors);
    }

    [Fact]
    public void Row_range_writes_relative_to_its_start()
    {
        var data = LowRankRatings.Create(users: 20, items: 30, seed: 4).Train;
        const int k = 3;
        var model = ModelInitializer.Create(data, k, 0.1f, new Random(1));
        var settings = new AlsRowSettings(k, true, new Regularization(0.5f, 1f));
        var whole = model.Clone();
        AlsSolver.SolveUsers(whole, data, settings);

        // A worker owning users 5..9 solves into its own buffers.
        var shardFactors = new float[5 * k];
        var shardBias = new float[5];
        AlsSolver.SolveRows(data.ByUser, 5, 5, model.ItemFactors, model.ItemBias, model.GlobalMean, shardFactors, shardBias,
            settings, new RowSolveWorkspace(k));

        Assert.Equal(whole.UserFactors.AsSpan(5 * k, 5 * k).ToArray(), shardFactors);
        Assert.Equal(whole.UserBias.AsSpan(5, 5).ToArray(), shardBias);
    }

    private static RatingDataset Dense(Matrix<double> x)
    {
        var users = new IdMap(Enumerable.Range(0, x.RowCount).Select(u => $"u{u}"));
        var items = new IdMap(Enumerable.Range(0, x.ColumnCount).Select(i => $"i{i}"));
        var ratings = new List<Rating>();
        for (var u = 0; u < x.RowCount; u++)
            for (var i = 0; i < x.ColumnCount; i++) ratings.Add(new Rating(u, i, (float)x[u, i]));
        return new RatingDataset(users, items, [.. ratings]);
    }
}
