using OnlineRec.Core.Evaluation;
using OnlineRec.Core.Model;
using OnlineRec.Core.Serving;
using OnlineRec.Core.Training.Implicit;

namespace OnlineRec.Core.Tests.Training.Implicit;

public sealed class ImplicitTrainerTests
{
    private static readonly ImplicitOptions Options = new() { Factors = 8, Sweeps = 8, Alpha = 2f, Lambda = 1f, Seed = 5 };

    [Fact]
    public void Exact_sweeps_never_increase_the_objective()
    {
        var data = InteractionDataset.FromRatings(PlantedInteractions.Create().Train, Options.Interactions);
        var losses = new List<double>();
        var initial = ImplicitModel.Create(data.Users, data.Items, Options, new Random(Options.Seed));
        losses.Add(ImplicitObjective.Loss(initial, data, Options.Alpha, Options.Lambda));

        new ImplicitTrainer(Options).Train(data, onSweep: s => losses.Add(ImplicitObjective.Loss(s.Model, data, Options.Alpha, Options.Lambda)));

        for (var n = 1; n < losses.Count; n++)
            Assert.True(losses[n] <= losses[n - 1] * (1 + 1e-6), $"sweep {n}: {losses[n]} after {losses[n - 1]}");
        Assert.True(losses[^1] < 0.8 * losses[0]);
    }

    [Fact]
    public void An_exact_row_solve_minimises_the_row_objective()
    {
        var data = InteractionDataset.FromRatings(PlantedInteractions.Create().Train, Options.Interactions);
        var model = new ImplicitTrainer(Options with { Sweeps = 2 }).Train(data);
        var users = model.UserFactors.ToArray();
        ImplicitRowSolver.SolveAllRows(data.ByUser, model.ItemFactors, model.ItemGram, users, model.FoldInSettings);
        var random = new Random(1);
        var k = Options.Factors;

        double RowObjective(int user, float[] x) =>
            ImplicitObjective.RowLoss(data.ByUser.RowColumns(user), data.ByUser.RowValues(user), x, model.ItemFactors, model.ItemGram, Options.Alpha)
            + Options.Lambda * x.Sum(v => (double)v * v);

        // Along any direction d the objective is a parabola f(t); at the minimiser its slope f'(0) is 0. Central
        // differences are exact for a parabola, so the step to the parabola's vertex, −f'(0) / f''(0), measures how far
        // the solve is from the minimum along d, in units of the vector.
        for (var user = 0; user < 20; user++)
        {
            var x = users.AsSpan(user * k, k).ToArray();
            var scale = Math.Sqrt(x.Sum(v => (double)v * v));
            for (var trial = 0; trial < 5; trial++)
            {
                var d = Enumerable.Range(0, k).Select(_ => (float)random.NextGaussian()).ToArray();
                const float step = 0.05f;
                var plus = RowObjective(user, x.Zip(d, (v, e) => v + step * e).ToArray());
                var minus = RowObjective(user, x.Zip(d, (v, e) => v - step * e).ToArray());
                var slope = (plus - minus) / (2 * step);
                var curvature = (plus + minus - 2 * RowObjective(user, x)) / (step * step);
                var vertex = -slope / curvature;
                Assert.True(Math.Abs(vertex) * Math.Sqrt(d.Sum(e => (double)e * e)) < 1e-3 * scale,
                    $"user {user}: the minimum along a direction lies {vertex} steps away (|x| = {scale})");
            }
        }
    }

    [Theory]
    [InlineData(ImplicitSolver.Cholesky)]
    [InlineData(ImplicitSolver.ConjugateGradient)]
    public void Finds_the_taste_groups_popularity_cannot_see(ImplicitSolver solver)
    {
        var planted = PlantedInteractions.Create();
        var data = InteractionDataset.FromRatings(planted.Train, Options.Interactions);

        var model = new ImplicitTrainer(Options with { Solver = solver, Sweeps = 12 }).Train(data);

        var scanner = new TopKScanner(model.ItemFactors, null, model.ItemCount, model.Factors);
        var buffer = new ScoredItem[10];
        var personal = RankingMetrics.Evaluate(10, planted.HeldOut, (int user) =>
            Items(buffer, scanner.TopK(model.UserVector(user), 0f, data.ByUser.RowColumns(user), buffer)));
        var popular = RankingMetrics.Evaluate(10, planted.HeldOut, (int user) =>
            Items(buffer, model.Popularity.TopK(data.ByUser.RowColumns(user), buffer)));
        Assert.True(personal.Precision > 1.5 * popular.Precision, $"implicit ALS {personal} vs popularity {popular}");
        Assert.True(model.IsFinite());
    }

    [Fact]
    public void Training_is_deterministic_whatever_the_thread_count()
    {
        var data = InteractionDataset.FromRatings(PlantedInteractions.Create().Train, Options.Interactions);

        var one = new ImplicitTrainer(Options with { MaxDegreeOfParallelism = 1 }).Train(data);
        var many = new ImplicitTrainer(Options with { MaxDegreeOfParallelism = 4 }).Train(data);

        Assert.Equal(one.UserFactors, many.UserFactors);
        Assert.Equal(one.ItemFactors, many.ItemFactors);
        Assert.Equal(one.ItemGram, many.ItemGram);
    }

    [Fact]
    public void Warm_start_keeps_known_rows_and_gives_new_ids_rows_of_their_own()
    {
        var planted = PlantedInteractions.Create();
        var all = planted.Train;
        var earlierCount = all.Count * 2 / 3;
        var earlier = RatingDataset.FromEvents(Events(all).Take(earlierCount));
        var installed = new ImplicitTrainer(Options).Train(InteractionDataset.FromRatings(earlier, Options.Interactions));
        // Today's data on the installed maps: known ids keep their indices, new ids follow.
        var today = RatingDataset.FromEvents(Events(all), installed.Users.Clone(), installed.Items.Clone());
        var data = InteractionDataset.FromRatings(today, Options.Interactions);
        Assert.True(data.Users.Count > installed.UserCount && data.Items.Count >= installed.ItemCount);

        var started = new ImplicitTrainer(Options with { Sweeps = 0 }).Train(data, installed);

        Assert.Equal(installed.UserFactors, started.UserFactors.AsSpan(0, installed.UserFactors.Length).ToArray());
        Assert.Equal(installed.ItemFactors, started.ItemFactors.AsSpan(0, installed.ItemFactors.Length).ToArray());
        Assert.Contains(started.UserFactors.Skip(installed.UserFactors.Length), v => v != 0f);
        Assert.Equal(installed.Users.Ids, started.Users.Ids.Take(installed.UserCount));
        Assert.Throws<ArgumentException>(() => new ImplicitTrainer(Options).Train(InteractionDataset.FromRatings(
            RatingDataset.FromEvents(Events(all).Reverse()), Options.Interactions), installed));
    }

    private static IEnumerable<RatingEvent> Events(RatingDataset data) =>
        data.Ratings.Select((r, n) => new RatingEvent(data.Users[r.User], data.Items[r.Item], r.Value, data.Timestamps![n]));

    private static int[] Items(ScoredItem[] buffer, int count) => buffer.Take(count).Select(s => s.Item).ToArray();
}
