using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Implicit;

/// <summary>
/// The implicit-ALS row solve. With the other side F fixed, row u's vector minimises
/// Σ_i c_ui (p_ui − x·f_i)² + λ‖x‖², i.e. solves (FᵀF + Σ_{i∈N_u} α w_ui f_i f_iᵀ + λI) x = Σ_{i∈N_u} (1 + α w_ui) f_i:
/// the shared FᵀF (<see cref="GramMatrix"/>) stands in for every non-interacted pair, so the work is proportional to
/// the row's own interactions N_u. The same function serves a training sweep and an online fold-in.
/// </summary>
public static class ImplicitRowSolver
{
    // Below this squared residual the row is solved to float precision; further steps would only add rounding.
    private const float ConvergedResidual = 1e-20f;

    /// <summary>
    /// Solves one row. <paramref name="columns"/>/<paramref name="weights"/>: the row's interactions (w &gt; 0);
    /// <paramref name="fixedFactors"/>: the other side, k floats per row; <paramref name="gram"/>: its FᵀF (k×k).
    /// Cholesky writes <paramref name="x"/> only on success; conjugate gradient starts from <paramref name="x"/> and
    /// replaces it only with a finite result. A row without interactions gets 0, the minimiser of its penalty.
    /// Returns false (and leaves <paramref name="x"/> as it was) when the system is not numerically positive definite.
    /// </summary>
    public static bool TrySolve(ReadOnlySpan<int> columns, ReadOnlySpan<float> weights, ReadOnlySpan<float> fixedFactors,
        ReadOnlySpan<float> gram, in ImplicitRowSettings settings, ImplicitSolveWorkspace workspace, Span<float> x)
    {
        var k = settings.Factors;
        if (workspace.Factors != k) throw new ArgumentException($"The workspace is for k = {workspace.Factors}, the settings say {k}.", nameof(workspace));
        if (columns.Length != weights.Length) throw new ArgumentException("One weight per column is required.", nameof(weights));
        if (gram.Length < k * k) throw new ArgumentException($"The Gram matrix needs {k}×{k} entries.", nameof(gram));
        if (x.Length < k) throw new ArgumentException($"The row vector needs {k} entries.", nameof(x));
        if (columns.IsEmpty)
        {
            x[..k].Clear();
            return true;
        }
        return settings.Solver == ImplicitSolver.ConjugateGradient
            ? TrySolveConjugateGradient(columns, weights, fixedFactors, gram, settings, workspace, x[..k])
            : TrySolveCholesky(columns, weights, fixedFactors, gram, settings, workspace, x[..k]);
    }

    /// <summary>
    /// Solves rows [<paramref name="start"/>, start+count) of <paramref name="rows"/> (values = weights); row start+j
    /// reads and writes <paramref name="factors"/>[j·k .. (j+1)·k). Returns how many rows kept their old value because
    /// their system failed.
    /// </summary>
    public static int SolveRows(SparseRows rows, int start, int count, ReadOnlySpan<float> fixedFactors, ReadOnlySpan<float> gram,
        Span<float> factors, in ImplicitRowSettings settings, ImplicitSolveWorkspace workspace)
    {
        var k = settings.Factors;
        if (start < 0 || count < 0 || start + count > rows.RowCount) throw new ArgumentOutOfRangeException(nameof(count));
        if (factors.Length < count * k) throw new ArgumentException("The factor span is shorter than the row range.", nameof(factors));
        var failures = 0;
        for (var j = 0; j < count; j++)
        {
            var row = start + j;
            if (!TrySolve(rows.RowColumns(row), rows.RowValues(row), fixedFactors, gram, settings, workspace, factors.Slice(j * k, k)))
                failures++;
        }
        return failures;
    }

    /// <summary>
    /// Solves every row of <paramref name="rows"/> in parallel over the cores (dynamic ranges, one workspace per
    /// worker). Each row depends only on the fixed side and its own start, so the result does not depend on scheduling.
    /// </summary>
    public static int SolveAllRows(SparseRows rows, float[] fixedFactors, float[] gram, float[] factors, ImplicitRowSettings settings,
        int maxDegreeOfParallelism = -1)
    {
        settings.Validate();
        var k = settings.Factors;
        if (factors.Length < (long)rows.RowCount * k) throw new ArgumentException("Fewer factor rows than data rows.", nameof(factors));
        return RowRanges.ForEach(rows.RowCount, maxDegreeOfParallelism, () => new ImplicitSolveWorkspace(k),
            (from, to, workspace) => SolveRows(rows, from, to - from, fixedFactors, gram, factors.AsSpan(from * k, (to - from) * k), settings, workspace));
    }

    private static bool TrySolveCholesky(ReadOnlySpan<int> columns, ReadOnlySpan<float> weights, ReadOnlySpan<float> fixedFactors,
        ReadOnlySpan<float> gram, in ImplicitRowSettings settings, ImplicitSolveWorkspace ws, Span<float> x)
    {
        var k = settings.Factors;
        var stride = ws.Stride;
        var matrix = ws.Matrix.AsSpan();
        var rhs = ws.Rhs.AsSpan(0, k);
        var batch = ws.Batch.AsSpan();
        LoadRidgedGram(gram, settings.Lambda, matrix, k, stride);
        rhs.Clear();

        // A = FᵀF + λI + Σ (√(α w) f)(√(α w) f)ᵀ, four rows per pass of the rank-4 kernel; b = Σ (1 + α w) f.
        var filled = 0;
        for (var j = 0; j < columns.Length; j++)
        {
            var f = fixedFactors.Slice(columns[j] * k, k);
            var extra = settings.Alpha * weights[j];
            DenseKernels.AddScaled(rhs, 1f + extra, f);
            if (!(extra > 0f)) continue;
            var z = batch.Slice(filled * stride, k);
            z.Clear();
            DenseKernels.AddScaled(z, MathF.Sqrt(extra), f);
            if (++filled == ImplicitSolveWorkspace.BatchSize)
            {
                DenseKernels.AddRank4Upper(matrix, batch, k, stride);
                filled = 0;
            }
        }
        if (filled > 0)
        {
            // Unused batch rows must be zero; their padding already is.
            batch[(filled * stride)..].Clear();
            DenseKernels.AddRank4Upper(matrix, batch, k, stride);
        }

        if (!UpperCholesky.TryFactor(matrix, k, stride)) return false;
        UpperCholesky.Solve(matrix, k, stride, rhs);
        if (!VectorMath.AllFinite(rhs)) return false;
        rhs.CopyTo(x);
        return true;
    }

    // Conjugate gradient on A x = b without forming A: A·v = FᵀF v + λv + Σ α w (f·v) f costs O(k² + n·k).
    private static bool TrySolveConjugateGradient(ReadOnlySpan<int> columns, ReadOnlySpan<float> weights, ReadOnlySpan<float> fixedFactors,
        ReadOnlySpan<float> gram, in ImplicitRowSettings settings, ImplicitSolveWorkspace ws, Span<float> x)
    {
        var k = settings.Factors;
        var alpha = settings.Alpha;
        var solution = ws.Solution.AsSpan(0, k);
        var residual = ws.Residual.AsSpan(0, k);
        var direction = ws.Direction.AsSpan(0, k);
        var product = ws.Product.AsSpan(0, k);
        x.CopyTo(solution);
        if (!VectorMath.AllFinite(solution)) solution.Clear();

        // r = b − A x = Σ [(1 + α w) − α w (f·x)] f − FᵀF x − λx
        GramMatrix.Multiply(gram, solution, residual);
        for (var a = 0; a < k; a++) residual[a] = -residual[a] - settings.Lambda * solution[a];
        for (var j = 0; j < columns.Length; j++)
        {
            var f = fixedFactors.Slice(columns[j] * k, k);
            var extra = alpha * weights[j];
            DenseKernels.AddScaled(residual, 1f + extra - extra * VectorMath.Dot(f, solution), f);
        }
        residual.CopyTo(direction);
        var squaredResidual = VectorMath.Dot(residual, residual);
        if (!float.IsFinite(squaredResidual)) return false;

        for (var step = 0; step < settings.CgSteps && squaredResidual > ConvergedResidual; step++)
        {
            GramMatrix.Multiply(gram, direction, product);
            DenseKernels.AddScaled(product, settings.Lambda, direction);
            for (var j = 0; j < columns.Length; j++)
            {
                var f = fixedFactors.Slice(columns[j] * k, k);
                DenseKernels.AddScaled(product, alpha * weights[j] * VectorMath.Dot(f, direction), f);
            }
            var curvature = VectorMath.Dot(direction, product);
            // A is positive definite, so a direction without positive curvature is rounding noise: stop here.
            if (!(curvature > 0f) || !float.IsFinite(curvature)) break;
            var stepSize = squaredResidual / curvature;
            DenseKernels.AddScaled(solution, stepSize, direction);
            DenseKernels.AddScaled(residual, -stepSize, product);
            var next = VectorMath.Dot(residual, residual);
            // p = r + (‖r_new‖² / ‖r_old‖²) p
            var beta = next / squaredResidual;
            for (var a = 0; a < k; a++) direction[a] = residual[a] + beta * direction[a];
            squaredResidual = next;
        }

        if (!VectorMath.AllFinite(solution)) return false;
        solution.CopyTo(x);
        return true;
    }

    /// <summary>Copies FᵀF (k×k) into the padded system buffer and adds λ to its diagonal.</summary>
    private static void LoadRidgedGram(ReadOnlySpan<float> gram, float lambda, Span<float> matrix, int k, int stride)
    {
        if (stride == k) gram[..(k * k)].CopyTo(matrix);
        else
            for (var a = 0; a < k; a++)
            {
                gram.Slice(a * k, k).CopyTo(matrix.Slice(a * stride, k));
                matrix.Slice(a * stride + k, stride - k).Clear();
            }
        for (var a = 0; a < k; a++) matrix[a * stride + a] += lambda;
    }
}
