using System.Buffers.Binary;
using Orleans.Concurrency;

namespace OnlineRec.Abstractions;

/// <summary>
/// Stream payload: many ratings per message (single-event messages cap Orleans streams near 15k/s), packed. The user
/// and item ids travel as two <see cref="IdList"/> strings and the numbers as one little-endian block of
/// <see cref="NumbersSize"/> bytes per rating (sequence int64, value float32, timestamp int64). As an array of
/// records, each of a 5,000-rating batch's 15,000 objects was reference-tracked when the memory stream queued the
/// batch and again when it delivered it: the tracking tables alone were 7 % of a busy silo's allocations.
/// </summary>
[GenerateSerializer, Immutable, Alias("onlinerec.rating-batch-packed")]
public sealed class RatingBatch
{
    public const int NumbersSize = 20;

    [Id(0)] private readonly IdList _users;
    [Id(1)] private readonly IdList _items;
    [Id(2)] private readonly byte[] _numbers;

    private RatingBatch(IdList users, IdList items, byte[] numbers)
    {
        _users = users;
        _items = items;
        _numbers = numbers;
    }

    public int Count => _numbers.Length / NumbersSize;

    /// <summary>The user of rating <paramref name="index"/> as a view (no allocation): for grouping by user.</summary>
    public ReadOnlySpan<char> UserAt(int index) => _users[index];

    /// <summary>Rating <paramref name="index"/>, with <paramref name="user"/> as its user id (the caller's string for it).</summary>
    public RatingMessage MessageAt(int index, string user)
    {
        var numbers = _numbers.AsSpan(index * NumbersSize, NumbersSize);
        return new RatingMessage(
            BinaryPrimitives.ReadInt64LittleEndian(numbers),
            user,
            _items.IdAt(index),
            BinaryPrimitives.ReadSingleLittleEndian(numbers[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(numbers[12..]));
    }

    public RatingMessage this[int index] => MessageAt(index, _users.IdAt(index));

    /// <summary>True when both id lists parse and hold one id per rating: a received batch is checked before use.</summary>
    public bool IsWellFormed() =>
        _users is not null && _items is not null && _numbers is not null && _numbers.Length % NumbersSize == 0
        && _users.IsWellFormed() && _items.IsWellFormed() && _users.Count == Count && _items.Count == Count;

    public static RatingBatch Of(RatingMessage[] ratings) =>
        Of(ratings, static r => r.User, static r => r.Item, static r => (r.Sequence, r.Value, r.Timestamp));

    /// <summary>
    /// Packs whatever the caller holds (the ingestor: indices into its validated batch) without building a
    /// <see cref="RatingMessage"/> per rating first.
    /// </summary>
    public static RatingBatch Of<T>(T[] source, Func<T, string> user, Func<T, string> item,
        Func<T, (long Sequence, float Value, long Timestamp)> numbers)
    {
        var block = new byte[checked(source.Length * NumbersSize)];
        for (var i = 0; i < source.Length; i++)
        {
            var (sequence, value, timestamp) = numbers(source[i]);
            var slot = block.AsSpan(i * NumbersSize, NumbersSize);
            BinaryPrimitives.WriteInt64LittleEndian(slot, sequence);
            BinaryPrimitives.WriteSingleLittleEndian(slot[8..], value);
            BinaryPrimitives.WriteInt64LittleEndian(slot[12..], timestamp);
        }
        return new RatingBatch(IdList.Of(source, user), IdList.Of(source, item), block);
    }

    /// <summary>A batch as a peer might send it, unchecked (tests of <see cref="IsWellFormed"/>).</summary>
    internal static RatingBatch FromParts(IdList users, IdList items, byte[] numbers) => new(users, items, numbers);
}
