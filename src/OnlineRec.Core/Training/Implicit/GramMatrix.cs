using System.Runtime.Intrinsics;
using OnlineRec.Core.Model;

namespace OnlineRec.Core.Training.Implicit;

/// <summary>
/// FᵀF of a factor side (k×k, row-major, both triangles): the term every row system of the other side shares, so an
/// implicit-ALS row costs in proportion to its own interactions rather than to the catalogue.
/// </summary>
public static class GramMatrix
{
    // Rows summed in float by the rank-4 kernel per block, blocks summed in double: one block's float error stays at
    // ~256 ε, and the double sum keeps a side of millions of rows exact to float precision.
    private const int BlockRows = 256;

    // A fixed number of chunks, summed in chunk order, makes the result independent of the thread count.
    private const int MaxChunks = 64;

    /// <summary>FᵀF over rows [0, <paramref name="rows"/>) of <paramref name="factors"/> (k floats per row).</summary>
    public static float[] Compute(float[] factors, int rows, int k, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (factors.Length < (long)rows * k) throw new ArgumentException("Fewer factors than rows × k.", nameof(factors));

        var blocks = (rows + BlockRows - 1) / BlockRows;
        var chunks = Math.Min(MaxChunks, blocks);
        var partials = new double[chunks][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, chunks, options, chunk =>
        {
            var firstBlock = (int)((long)blocks * chunk / chunks);
            var endBlock = (int)((long)blocks * (chunk + 1) / chunks);
            partials[chunk] = SumBlocks(factors, k, firstBlock * BlockRows, Math.Min(rows, endBlock * BlockRows));
        });

        var total = new double[k * k];
        foreach (var partial in partials)
            for (var e = 0; e < total.Length; e++) total[e] += partial[e];
        var gram = new float[k * k];
        for (var a = 0; a < k; a++)
            for (var c = a; c < k; c++)
                gram[a * k + c] = gram[c * k + a] = (float)total[a * k + c];
        return gram;
    }

    /// <summary>The upper triangle of Σ f fᵀ over rows [from, to), in double, one float block of rows at a time.</summary>
    private static double[] SumBlocks(float[] factors, int k, int from, int to)
    {
        var stride = DenseKernels.PaddedStride(k);
        var block = new float[k * stride];
        var batch = new float[ImplicitSolveWorkspace.BatchSize * stride];
        var sum = new double[k * k];
        for (var blockStart = from; blockStart < to; blockStart += BlockRows)
        {
            var blockEnd = Math.Min(to, blockStart + BlockRows);
            Array.Clear(block);
            var filled = 0;
            for (var row = blockStart; row < blockEnd; row++)
            {
                factors.AsSpan(row * k, k).CopyTo(batch.AsSpan(filled * stride, k));
                if (++filled == ImplicitSolveWorkspace.BatchSize)
                {
                    DenseKernels.AddRank4Upper(block, batch, k, stride);
                    filled = 0;
                }
            }
            if (filled > 0)
            {
                batch.AsSpan(filled * stride).Clear();
                DenseKernels.AddRank4Upper(block, batch, k, stride);
            }
            for (var a = 0; a < k; a++)
                for (var c = a; c < k; c++)
                    sum[a * k + c] += block[a * stride + c];
        }
        return sum;
    }

    /// <summary>y = G·x for a k×k row-major <paramref name="gram"/>; four rows per pass share the loads of x.</summary>
    public static void Multiply(ReadOnlySpan<float> gram, ReadOnlySpan<float> x, Span<float> y)
    {
        var k = x.Length;
        if (gram.Length < k * k || y.Length < k) throw new ArgumentException("Gram or output too small for the vector.");
        var a = 0;
        for (; a <= k - 4; a += 4)
        {
            var dots = VectorMath.Dot4(x, gram.Slice(a * k, 4 * k));
            y[a] = dots.GetElement(0);
            y[a + 1] = dots.GetElement(1);
            y[a + 2] = dots.GetElement(2);
            y[a + 3] = dots.GetElement(3);
        }
        for (; a < k; a++) y[a] = VectorMath.Dot(x, gram.Slice(a * k, k));
    }
}
