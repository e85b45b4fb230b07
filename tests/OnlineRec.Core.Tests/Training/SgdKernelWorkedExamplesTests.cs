using OnlineRec.Core.Training;

namespace OnlineRec.Core.Tests.Training;

/// <summary>The worked SGD examples of the MF lecture notes, reproduced to the printed precision.</summary>
public sealed class SgdKernelWorkedExamplesTests
{
    // The notes print 4 decimals and round loosely (h₃ = 0.85 + 0.01·4.345·0.3 = 0.863035 is printed 0.8631),
    // so values must agree within one unit of the last printed digit.
    private const double Tolerance = 1e-4;

    [Fact]
    public void Step_from_rating_matches_the_notes()
    {
        float[] w = [0.4f, 0.2f, 0.3f];
        float[] h = [0.95f, 0.10f, 0.85f];

        var error = SgdKernel.Step(w, h, rating: 5f, learningRate: 0.01f);

        Assert.Equal(4.345, error, Tolerance);
        AssertVector([0.4413, 0.2043, 0.3369], w);
        AssertVector([0.9674, 0.1087, 0.8631], h);
    }

    [Fact]
    public void Step_from_known_error_matches_the_notes()
    {
        float[] w = [0.8f, 0.3f];
        float[] h = [0.6f, 0.9f];

        SgdKernel.ApplyError(w, h, error: -2.5f, learningRate: 0.1f, regularization: 0f);

        AssertVector([0.65, 0.075], w);
        AssertVector([0.4, 0.825], h);
    }

    [Fact]
    public void Both_vectors_are_updated_from_their_old_values()
    {
        // If h were updated from the new w, h[0] would be 0.6 − 0.25·0.65 = 0.4375 instead of 0.4.
        float[] w = [0.8f];
        float[] h = [0.6f];
        SgdKernel.ApplyError(w, h, -2.5f, 0.1f, 0f);
        Assert.Equal(0.4, h[0], 6);
    }

    private static void AssertVector(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], Tolerance);
    }
}
