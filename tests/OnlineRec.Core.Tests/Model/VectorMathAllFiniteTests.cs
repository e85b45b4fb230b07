using OnlineRec.Core.Model;

namespace OnlineRec.Core.Tests.Model;

public sealed class VectorMathAllFiniteTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(37)]
    public void Finite_values_pass(int length)
    {
        var values = Enumerable.Range(0, length).Select(i => (i - 10) * 1e37f / 20).Append(float.MaxValue).Append(-float.Epsilon).ToArray();
        Assert.True(VectorMath.AllFinite(values));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void One_non_finite_value_anywhere_fails(float bad)
    {
        // Positions in the vector body, at a vector boundary and in the scalar tail of a 37-element span.
        foreach (var position in new[] { 0, 7, 8, 31, 32, 36 })
        {
            var values = new float[37];
            values[position] = bad;
            Assert.False(VectorMath.AllFinite(values), $"{bad} at {position}");
        }
    }
}
