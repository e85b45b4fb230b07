using OnlineRec.Core.Model;

namespace OnlineRec.Core.Tests.Training.Implicit;

/// <summary>
/// Implicit test data with a known structure: users and items fall into <c>groups</c> taste groups; a user picks items
/// of their own group with probability <c>affinity</c> (else any item), more popular items more often (Zipf over each
/// pool), so a model that finds the groups beats popularity. Ratings 1–5, timestamps increasing; a random 20 % of each
/// user's picks is held out.
/// </summary>
internal sealed record PlantedInteractions(RatingDataset Train, Dictionary<int, IReadOnlySet<int>> HeldOut)
{
    public static PlantedInteractions Create(int users = 240, int items = 160, int groups = 4, int picksPerUser = 24,
        double affinity = 0.8, int seed = 5)
    {
        var random = new Random(seed);
        var itemGroup = Enumerable.Range(0, items).Select(i => i % groups).ToArray();
        var pools = Enumerable.Range(0, groups).Select(g => Enumerable.Range(0, items).Where(i => itemGroup[i] == g).ToArray()).ToArray();
        var all = Enumerable.Range(0, items).ToArray();
        var train = new List<RatingEvent>();
        var heldOut = new Dictionary<string, List<string>>();
        long time = 1_000_000;
        for (var u = 0; u < users; u++)
        {
            var group = u % groups;
            var picked = new HashSet<int>();
            while (picked.Count < picksPerUser)
            {
                var pool = random.NextDouble() < affinity ? pools[group] : all;
                picked.Add(pool[Zipf(random, pool.Length)]);
            }
            foreach (var item in picked)
            {
                var e = new RatingEvent($"u{u}", $"i{item}", 1 + random.Next(5), time += 60);
                if (random.NextDouble() < 0.2 && picked.Count > 1)
                {
                    if (!heldOut.TryGetValue(e.User, out var list)) heldOut[e.User] = list = [];
                    list.Add(e.Item);
                }
                else train.Add(e);
            }
        }
        var data = RatingDataset.FromEvents(train);
        var relevant = new Dictionary<int, IReadOnlySet<int>>();
        foreach (var (user, list) in heldOut)
        {
            var u = data.Users.IndexOf(user);
            var set = list.Select(data.Items.IndexOf).Where(i => i >= 0).ToHashSet();
            if (u >= 0 && set.Count > 0) relevant[u] = set;
        }
        return new PlantedInteractions(data, relevant);
    }

    // Index of rank r drawn with weight 1/(r+1).
    private static int Zipf(Random random, int n)
    {
        double total = 0;
        for (var r = 0; r < n; r++) total += 1.0 / (r + 1);
        var x = random.NextDouble() * total;
        for (var r = 0; r < n; r++)
        {
            x -= 1.0 / (r + 1);
            if (x <= 0) return r;
        }
        return n - 1;
    }
}

/// <summary>The textbook implicit-ALS row solve: every column of the other side, in double, through MathNet.</summary>
internal static class NaiveImplicitSolve
{
    /// <summary>argmin_x Σ_all c_i (p_i − x·f_i)² + λ‖x‖² with c = 1 + α w, p = 1 on the given columns, 0 elsewhere.</summary>
    public static double[] Solve(float[] fixedFactors, int fixedRows, int k, IReadOnlyList<int> columns, IReadOnlyList<float> weights, float alpha, float lambda)
    {
        var weightOf = new Dictionary<int, double>();
        for (var j = 0; j < columns.Count; j++) weightOf[columns[j]] = weights[j];
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, k);
        var b = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(k);
        for (var i = 0; i < fixedRows; i++)
        {
            var interacted = weightOf.TryGetValue(i, out var w);
            var confidence = interacted ? 1 + alpha * w : 1.0;
            for (var r = 0; r < k; r++)
            {
                double fr = fixedFactors[i * k + r];
                if (interacted) b[r] += confidence * fr;
                for (var c = 0; c < k; c++) a[r, c] += confidence * fr * fixedFactors[i * k + c];
            }
        }
        for (var r = 0; r < k; r++) a[r, r] += lambda;
        return a.Cholesky().Solve(b).ToArray();
    }

    public static float[] RandomFactors(Random random, int rows, int k, double std = 0.3)
    {
        var factors = new float[rows * k];
        for (var n = 0; n < factors.Length; n++) factors[n] = (float)(std * random.NextGaussian());
        return factors;
    }
}
