using OnlineRec.Core.Training;

namespace OnlineRec.Core.Tests.Training;

public sealed class SgdKernelTryStepTests
{
    private static readonly SgdStepParameters Parameters = new(0.05f, 0.02f, 0.01f);

    [Theory]
    [InlineData(3)]
    [InlineData(32)]
    [InlineData(37)]
    public void Accepted_step_is_bit_identical_to_the_unchecked_step(int k)
    {
        var random = new Random(k);
        var p = Enumerable.Range(0, k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var q = Enumerable.Range(0, k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var (p2, q2) = ((float[])p.Clone(), (float[])q.Clone());
        float bu = 0.1f, bi = -0.2f, bu2 = bu, bi2 = bi;

        var expectedError = SgdKernel.Step(ref bu, ref bi, p, q, 3.5f, 4f, Parameters);
        var accepted = SgdKernel.TryStep(ref bu2, ref bi2, p2, q2, 3.5f, 4f, Parameters, out var error);

        Assert.True(accepted);
        Assert.Equal(expectedError, error);
        Assert.Equal((bu, bi), (bu2, bi2));
        Assert.Equal(p, p2);
        Assert.Equal(q, q2);
    }

    [Theory]
    [InlineData(0)]  // overflow in the vector body
    [InlineData(35)] // overflow in the scalar tail
    public void Step_that_would_overflow_changes_nothing(int hugeAt)
    {
        var p = new float[37];
        var q = new float[37];
        // e = 0 keeps the biases finite; with ηλ = 3 the decay factor is −2, so only p[hugeAt] overflows.
        p[hugeAt] = 3e38f;
        var (pBefore, qBefore) = ((float[])p.Clone(), (float[])q.Clone());
        float bu = 0f, bi = 0f;

        var accepted = SgdKernel.TryStep(ref bu, ref bi, p, q, 0f, 0f, new SgdStepParameters(1f, 3f, 0f), out _);

        Assert.False(accepted);
        Assert.Equal((0f, 0f), (bu, bi));
        Assert.Equal(pBefore, p);
        Assert.Equal(qBefore, q);
    }

    [Fact]
    public void Non_finite_rating_or_invalid_parameters_are_rejected()
    {
        float[] p = [0.1f, 0.2f];
        float[] q = [0.3f, 0.4f];
        float bu = 0f, bi = 0f;

        Assert.False(SgdKernel.TryStep(ref bu, ref bi, p, q, 3f, float.NaN, Parameters, out _));
        Assert.False(SgdKernel.TryStep(ref bu, ref bi, p, q, 3f, 4f, new SgdStepParameters(-1f, 0f), out _));
        Assert.Equal([0.1f, 0.2f], p);
    }
}
