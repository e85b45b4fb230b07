using System.Runtime.Intrinsics;
using OnlineRec.Core.Model;

namespace OnlineRec.Core.Tests.Model;

public sealed class VectorMathDot4Tests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(24)]
    [InlineData(37)]
    [InlineData(64)]
    public void Each_lane_is_bit_identical_to_a_single_dot(int length)
    {
        var random = new Random(length);
        var a = Enumerable.Range(0, length).Select(_ => (float)random.NextGaussian()).ToArray();
        var rows = Enumerable.Range(0, 4 * length).Select(_ => (float)random.NextGaussian()).ToArray();

        var dots = VectorMath.Dot4(a, rows);

        for (var r = 0; r < 4; r++)
            Assert.Equal(VectorMath.Dot(a, rows.AsSpan(r * length, length)), dots.GetElement(r));
    }

    [Fact]
    public void Too_few_rows_are_refused()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.Dot4(new float[8], new float[31]));
    }
}
