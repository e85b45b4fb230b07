using System.Collections.Concurrent;
using OnlineRec.Core.Model;
using OnlineRec.Core.Training;

namespace OnlineRec.Lab.Bpmf;

/// <summary>
/// Draws every row of one side from its Gaussian conditional given the other side, the noise precision α and the
/// side's prior N(μ, Λ⁻¹): precision P = Λ + αΣ z zᵀ, mean P⁻¹(αΣ t z + Λμ), with z = [q, 1] and t = r − μ_global − b_j.
/// It is the ALS row solve with the prior in place of λ, plus noise through the Cholesky factor: with P = UᵀU,
/// x = U⁻¹(U⁻ᵀh + ε) has mean P⁻¹h and covariance P⁻¹.
/// </summary>
internal static class BpmfRowSampler
{
    public static int SampleAllRows(SparseRows rows, float[] fixedFactors, float[] fixedBias, float globalMean,
        float[] outFactors, float[] outBias, int factors, GaussianPrior prior, float noisePrecision,
        (int Seed, int Sweep, int Side) noiseKey, int maxDegreeOfParallelism)
    {
        var rowCount = rows.RowCount;
        if (rowCount == 0) return 0;
        var dimension = factors + 1;
        var stride = DenseKernels.PaddedStride(dimension);
        // Prior precision (upper rows, padded) and Λμ in float once per sweep; every row starts from them.
        var priorPrecision = new float[dimension * stride];
        var priorShift = new float[dimension];
        for (var a = 0; a < dimension; a++)
        {
            double shift = 0;
            for (var c = 0; c < dimension; c++)
            {
                priorPrecision[a * stride + c] = (float)prior.Precision[a, c];
                shift += prior.Precision[a, c] * prior.Mean[c];
            }
            priorShift[a] = (float)shift;
        }

        var failures = 0;
        var workers = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        var rangeSize = Math.Clamp(rowCount / (workers * 16), 4, 256);
        Parallel.ForEach(
            Partitioner.Create(0, rowCount, rangeSize),
            new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            () => new RowSolveWorkspace(factors),
            (range, _, ws) =>
            {
                for (var row = range.Item1; row < range.Item2; row++)
                {
                    var noise = new CounterGaussian(noiseKey.Seed, noiseKey.Sweep, noiseKey.Side, row);
                    if (!SampleRow(ws, rows, row, fixedFactors, fixedBias, globalMean, priorPrecision, priorShift,
                            noisePrecision, ref noise, outFactors.AsSpan(row * factors, factors), ref outBias[row]))
                        Interlocked.Increment(ref failures);
                }
                return ws;
            },
            _ => { });
        return failures;
    }

    private static bool SampleRow(RowSolveWorkspace ws, SparseRows rows, int row, float[] fixedFactors, float[] fixedBias,
        float globalMean, float[] priorPrecision, float[] priorShift, float noisePrecision, ref CounterGaussian noise,
        Span<float> outFactors, ref float outBias)
    {
        RowSystem.Accumulate(ws, rows.RowColumns(row), rows.RowValues(row), fixedFactors, fixedBias, globalMean);
        var d = ws.Dimension;
        var stride = ws.Stride;
        var gram = ws.Gram.AsSpan();
        for (var a = 0; a < d; a++)
        {
            var line = gram.Slice(a * stride + a, d - a);
            var priorLine = priorPrecision.AsSpan(a * stride + a, d - a);
            for (var c = 0; c < line.Length; c++) line[c] = noisePrecision * line[c] + priorLine[c];
        }
        var h = ws.Rhs.AsSpan(0, d);
        for (var a = 0; a < d; a++) h[a] = noisePrecision * h[a] + priorShift[a];

        if (!UpperCholesky.TryFactor(gram, d, stride)) return false;
        UpperCholesky.SolveLowerTransposed(gram, d, stride, h);
        for (var a = 0; a < d; a++) h[a] += (float)noise.Next();
        UpperCholesky.SolveUpper(gram, d, stride, h);
        if (!VectorMath.AllFinite(h)) return false; // keep the previous draw rather than poison the chain
        h[..(d - 1)].CopyTo(outFactors);
        outBias = h[d - 1];
        return true;
    }
}
