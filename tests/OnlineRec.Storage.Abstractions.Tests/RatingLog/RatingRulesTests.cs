using OnlineRec.Core.Model;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Abstractions.Tests.RatingLog;

public sealed class RatingRulesTests
{
    [Theory]
    [InlineData("u1")]
    [InlineData("user with spaces")]
    [InlineData("ü-中-😀")]
    [InlineData(" padded ")]
    public void Ordinary_ids_are_accepted(string id) => Assert.Null(RatingRules.IdProblem(id, "user"));

    [Fact]
    public void The_id_limit_is_256_characters_inclusive()
    {
        Assert.Null(RatingRules.IdProblem(new string('x', 256), "item"));
        Assert.Equal("item id is 257 characters long; at most 256 are allowed", RatingRules.IdProblem(new string('x', 257), "item"));
    }

    [Theory]
    [InlineData(null, "user id is missing or blank")]
    [InlineData("", "user id is missing or blank")]
    [InlineData(" \t ", "user id is missing or blank")]
    [InlineData("a\nb", "user id contains a control character (U+000A) at position 1")]
    [InlineData("a\0", "user id contains a control character (U+0000) at position 1")]
    [InlineData("\u0085x", "user id contains a control character (U+0085) at position 0")]
    public void Ids_outside_the_rule_are_refused_with_the_reason(string? id, string reason) =>
        Assert.Equal(reason, RatingRules.IdProblem(id, "user"));

    // Built here rather than as [InlineData]: xunit carries theory data as UTF-8, which turns a lone surrogate into U+FFFD.
    [Fact]
    public void Ids_with_an_unpaired_surrogate_are_refused_and_a_pair_is_not()
    {
        Assert.Equal("user id contains an unpaired UTF-16 surrogate at position 2", RatingRules.IdProblem("ab\uD800", "user"));
        Assert.Equal("user id contains an unpaired UTF-16 surrogate at position 0", RatingRules.IdProblem("\uDE00ab", "user"));
        Assert.Equal("user id contains an unpaired UTF-16 surrogate at position 1", RatingRules.IdProblem("a\uD83D\uD83D\uDE00", "user"));
        Assert.Null(RatingRules.IdProblem("a\uD83D\uDE00", "user"));
    }

    [Fact]
    public void Keys_are_optional_and_follow_the_length_and_text_rules_but_may_be_blank()
    {
        Assert.Null(RatingRules.IdempotencyKeyProblem(null));
        Assert.Null(RatingRules.IdempotencyKeyProblem(" "));
        Assert.Null(RatingRules.IdempotencyKeyProblem(new string('k', 256)));
        Assert.Equal("the idempotency key is empty", RatingRules.IdempotencyKeyProblem(""));
        Assert.Equal("the idempotency key is 257 characters long; at most 256 are allowed", RatingRules.IdempotencyKeyProblem(new string('k', 257)));
        Assert.Equal("the idempotency key contains a control character (U+001B) at position 3", RatingRules.IdempotencyKeyProblem("key\u001B"));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1e300)] // finite as a double, ∞ as the float the model keeps
    public void Values_the_model_cannot_hold_as_finite_floats_are_refused(double value) =>
        Assert.NotNull(RatingRules.ValueProblem(value));

    [Theory]
    [InlineData(0.0)]
    [InlineData(-3.5)]
    [InlineData(3.4e38)]
    public void Finite_float_values_are_accepted_whatever_the_scale(double value) => Assert.Null(RatingRules.ValueProblem(value));

    [Fact]
    public void A_batch_check_names_the_first_bad_rating_by_index()
    {
        RatingEvent[] batch = [new("u1", "i1", 4, 0), new("u2", "i\r2", 3, 0), new("", "i3", float.NaN, 0)];

        var error = Assert.Throws<InvalidRatingBatchException>(() => RatingRules.ThrowIfInvalid(batch, null, 10));

        Assert.Equal(1, error.Index);
        Assert.Equal("item id contains a control character (U+000D) at position 1", error.Reason);
    }

    [Fact]
    public void A_batch_check_refuses_empty_and_oversized_batches_and_bad_keys_as_a_whole()
    {
        RatingEvent[] three = [new("u1", "i1", 4, 0), new("u2", "i2", 3, 0), new("u3", "i3", 2, 0)];

        Assert.Equal(-1, Assert.Throws<InvalidRatingBatchException>(() => RatingRules.ThrowIfInvalid([], null, 10)).Index);
        Assert.Equal(-1, Assert.Throws<InvalidRatingBatchException>(() => RatingRules.ThrowIfInvalid(three, null, 2)).Index);
        Assert.Equal(-1, Assert.Throws<InvalidRatingBatchException>(() => RatingRules.ThrowIfInvalid(three, "", 10)).Index);
        RatingRules.ThrowIfInvalid(three, "k", 3);
    }
}
