using OnlineRec.Core.Model;
using OnlineRec.Core.Training.Implicit;

namespace OnlineRec.Core.Tests.Training.Implicit;

public sealed class ImplicitRowSolverTests
{
    private const int Items = 50;

    [Theory]
    [InlineData(6, 1f, 10f)]
    [InlineData(13, 3f, 0.5f)] // k not a multiple of the vector width: padded rows
    [InlineData(32, 0.5f, 2f)]
    public void Cholesky_row_equals_the_textbook_solve_over_every_item(int k, float alpha, float lambda)
    {
        var random = new Random(k);
        var y = NaiveImplicitSolve.RandomFactors(random, Items, k);
        var (columns, weights) = Interactions(random, count: 17);

        var x = new float[k];
        Assert.True(ImplicitRowSolver.TrySolve(columns, weights, y, GramMatrix.Compute(y, Items, k),
            new ImplicitRowSettings(k, alpha, lambda), new ImplicitSolveWorkspace(k), x));

        AssertClose(NaiveImplicitSolve.Solve(y, Items, k, columns, weights, alpha, lambda), x, 1e-4);
    }

    [Fact]
    public void Conjugate_gradient_converges_to_the_exact_solve()
    {
        const int k = 16;
        var random = new Random(3);
        var y = NaiveImplicitSolve.RandomFactors(random, Items, k);
        var (columns, weights) = Interactions(random, count: 20);
        var gram = GramMatrix.Compute(y, Items, k);
        var exact = new float[k];
        ImplicitRowSolver.TrySolve(columns, weights, y, gram, new ImplicitRowSettings(k, 2f, 1f), new ImplicitSolveWorkspace(k), exact);

        var x = NaiveImplicitSolve.RandomFactors(random, 1, k); // a start far from the solution
        Assert.True(ImplicitRowSolver.TrySolve(columns, weights, y, gram,
            new ImplicitRowSettings(k, 2f, 1f, ImplicitSolver.ConjugateGradient, CgSteps: 3 * k), new ImplicitSolveWorkspace(k), x));

        AssertClose(exact.Select(v => (double)v).ToArray(), x, 1e-4);
    }

    [Fact]
    public void Three_conjugate_gradient_steps_from_a_near_start_land_closer_than_from_zero()
    {
        const int k = 32;
        var random = new Random(4);
        var y = NaiveImplicitSolve.RandomFactors(random, Items, k);
        var (columns, weights) = Interactions(random, count: 25);
        var gram = GramMatrix.Compute(y, Items, k);
        var exact = new float[k];
        ImplicitRowSolver.TrySolve(columns, weights, y, gram, new ImplicitRowSettings(k, 1f, 0.5f), new ImplicitSolveWorkspace(k), exact);
        var settings = new ImplicitRowSettings(k, 1f, 0.5f, ImplicitSolver.ConjugateGradient, CgSteps: 3);

        var near = exact.Select(v => v + 0.02f * (float)random.NextGaussian()).ToArray();
        var startError = Distance(near, exact);
        ImplicitRowSolver.TrySolve(columns, weights, y, gram, settings, new ImplicitSolveWorkspace(k), near);
        var fromZero = new float[k];
        ImplicitRowSolver.TrySolve(columns, weights, y, gram, settings, new ImplicitSolveWorkspace(k), fromZero);

        // The warm start is what makes three steps per sweep enough: it must be used, and improved on.
        Assert.True(Distance(near, exact) < startError, $"3 steps moved away: {Distance(near, exact)} vs start {startError}");
        Assert.True(Distance(near, exact) < Distance(fromZero, exact) / 5, $"warm {Distance(near, exact)} vs cold {Distance(fromZero, exact)}");
    }

    [Theory]
    [InlineData(ImplicitSolver.Cholesky)]
    [InlineData(ImplicitSolver.ConjugateGradient)]
    public void A_row_without_interactions_is_zero(ImplicitSolver solver)
    {
        const int k = 8;
        var y = NaiveImplicitSolve.RandomFactors(new Random(1), Items, k);
        var x = Enumerable.Repeat(0.5f, k).ToArray();

        Assert.True(ImplicitRowSolver.TrySolve([], [], y, GramMatrix.Compute(y, Items, k), new ImplicitRowSettings(k, 1f, 1f, solver),
            new ImplicitSolveWorkspace(k), x));

        Assert.All(x, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(ImplicitSolver.Cholesky)]
    [InlineData(ImplicitSolver.ConjugateGradient)]
    public void A_failed_system_leaves_the_old_vector_in_place(ImplicitSolver solver)
    {
        const int k = 8;
        var random = new Random(2);
        var y = NaiveImplicitSolve.RandomFactors(random, Items, k);
        var gram = GramMatrix.Compute(y, Items, k);
        gram[0] = float.NaN; // a poisoned Gram matrix: no pivot is positive and finite, no CG product is finite
        var (columns, weights) = Interactions(random, count: 5);
        var x = Enumerable.Range(0, k).Select(i => i * 0.1f).ToArray();
        var before = x.ToArray();

        Assert.False(ImplicitRowSolver.TrySolve(columns, weights, y, gram, new ImplicitRowSettings(k, 1f, 1f, solver), new ImplicitSolveWorkspace(k), x));

        Assert.Equal(before, x);
    }

    [Fact]
    public void Gram_matrix_equals_the_double_sum_and_ignores_the_thread_count()
    {
        const int k = 13;
        const int rows = 1_001; // several blocks, a partial last block and a partial last batch of four
        var f = NaiveImplicitSolve.RandomFactors(new Random(6), rows, k, std: 1);

        var single = GramMatrix.Compute(f, rows, k, maxDegreeOfParallelism: 1);
        var parallel = GramMatrix.Compute(f, rows, k, maxDegreeOfParallelism: 4);

        Assert.Equal(single, parallel);
        for (var a = 0; a < k; a++)
            for (var c = 0; c < k; c++)
            {
                double expected = 0;
                for (var r = 0; r < rows; r++) expected += (double)f[r * k + a] * f[r * k + c];
                Assert.True(Math.Abs(expected - single[a * k + c]) <= 1e-5 * (Math.Abs(expected) + Math.Sqrt(rows)), $"({a},{c}): {expected} vs {single[a * k + c]}");
            }
    }

    private static (int[] Columns, float[] Weights) Interactions(Random random, int count)
    {
        var columns = Enumerable.Range(0, Items).OrderBy(_ => random.Next()).Take(count).ToArray();
        var weights = columns.Select(_ => 0.5f + 3 * (float)random.NextDouble()).ToArray();
        return (columns, weights);
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (p, q) => (double)(p - q) * (p - q)).Sum());

    private static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        var scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"entry {i}: expected {expected[i]}, got {actual[i]}");
    }
}
