using System.Globalization;
using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>
/// The parameters a synthetic set was drawn from. User index u has external id <see cref="UserId"/>(u) = "u+1"
/// (1-based decimal, like MovieLens); likewise items. Tests use it to check that training reaches the noise floor.
/// </summary>
public sealed class SyntheticGroundTruth
{
    internal SyntheticGroundTruth(int users, int items, int rank, float globalMean,
        float[] userBias, float[] itemBias, float[] userFactors, float[] itemFactors)
    {
        UserCount = users;
        ItemCount = items;
        Rank = rank;
        GlobalMean = globalMean;
        _userBias = userBias;
        _itemBias = itemBias;
        _userFactors = userFactors;
        _itemFactors = itemFactors;
    }

    private readonly float[] _userBias;
    private readonly float[] _itemBias;
    private readonly float[] _userFactors;
    private readonly float[] _itemFactors;

    public int UserCount { get; }
    public int ItemCount { get; }
    public int Rank { get; }
    public float GlobalMean { get; }
    public ReadOnlySpan<float> UserBias => _userBias;
    public ReadOnlySpan<float> ItemBias => _itemBias;

    /// <summary>Row-major, <see cref="UserCount"/> × <see cref="Rank"/>.</summary>
    public ReadOnlySpan<float> UserFactors => _userFactors;

    /// <summary>Row-major, <see cref="ItemCount"/> × <see cref="Rank"/>.</summary>
    public ReadOnlySpan<float> ItemFactors => _itemFactors;

    public ReadOnlySpan<float> UserVector(int userIndex) => _userFactors.AsSpan(userIndex * Rank, Rank);
    public ReadOnlySpan<float> ItemVector(int itemIndex) => _itemFactors.AsSpan(itemIndex * Rank, Rank);

    public static string UserId(int userIndex) => (userIndex + 1).ToString(CultureInfo.InvariantCulture);
    public static string ItemId(int itemIndex) => (itemIndex + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The index behind a generated user id ("1" → 0).</summary>
    public static int UserIndex(string userId) => ParseId(userId);

    public static int ItemIndex(string itemId) => ParseId(itemId);

    private static int ParseId(string id) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n - 1
            : throw new ArgumentException($"'{id}' is not a generated id (1-based decimal).", nameof(id));

    /// <summary>The noise-free, unclamped rating μ + b_u + b_i + p_u·q_i.</summary>
    public float Score(int userIndex, int itemIndex) =>
        GlobalMean + _userBias[userIndex] + _itemBias[itemIndex] + VectorMath.Dot(UserVector(userIndex), ItemVector(itemIndex));

    /// <summary>The true model as an <see cref="MfModel"/> whose id maps list ids "1".."N" in index order.</summary>
    public MfModel ToModel()
    {
        var model = new MfModel(Rank, new IdMap(Enumerable.Range(0, UserCount).Select(UserId)),
            new IdMap(Enumerable.Range(0, ItemCount).Select(ItemId)), GlobalMean);
        _userBias.CopyTo(model.UserBias, 0);
        _itemBias.CopyTo(model.ItemBias, 0);
        _userFactors.CopyTo(model.UserFactors, 0);
        _itemFactors.CopyTo(model.ItemFactors, 0);
        return model;
    }
}
