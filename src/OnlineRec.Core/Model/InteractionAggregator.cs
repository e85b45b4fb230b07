namespace OnlineRec.Core.Model;

/// <summary>
/// Folds log entries, fed in sequence order, into one weight per (row, column) pair by the rule of
/// <see cref="InteractionOptions"/>: the latest rating's weight plus the sum of the events' weights. Pairs keep the
/// order of their first entry, so every builder that feeds the same entries (the single-process dataset, a retrain
/// shard, a user's own history) lays a row out identically and sums it in the same order.
/// </summary>
public sealed class InteractionAggregator(InteractionOptions options)
{
    private readonly Dictionary<long, int> _indexByPair = new();
    private readonly List<PairWeight> _pairs = new();

    /// <summary>Pairs seen so far, interactions or not.</summary>
    public int PairCount => _pairs.Count;

    /// <summary>A rating replaces the pair's earlier rating (the user changed their mind); events are kept.</summary>
    public void AddRating(int row, int column, float value)
    {
        if (!float.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "A rating must be finite.");
        var pair = PairIndex(row, column);
        _pairs[pair] = _pairs[pair] with { RatingWeight = options.RatingWeightOf(value) };
    }

    /// <summary>An implicit event adds its weight to the pair.</summary>
    public void AddEvent(int row, int column, float weight)
    {
        if (!float.IsFinite(weight) || weight < 0f)
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "An event weight must be finite and ≥ 0.");
        var pair = PairIndex(row, column);
        _pairs[pair] = _pairs[pair] with { EventWeight = _pairs[pair].EventWeight + weight };
    }

    public void Add(int row, int column, float value, LogEntryKind kind)
    {
        if (kind == LogEntryKind.Event) AddEvent(row, column, value);
        else AddRating(row, column, value);
    }

    /// <summary>
    /// The interactions (pairs whose weight is positive) as (row, column, w) in first-entry order; <see cref="Rating.User"/>
    /// holds the row and <see cref="Rating.Item"/> the column whichever side the rows are.
    /// </summary>
    public Rating[] ToInteractions()
    {
        var result = new List<Rating>(_pairs.Count);
        foreach (var p in _pairs)
        {
            var weight = (float)(p.RatingWeight + p.EventWeight);
            if (weight > 0f && float.IsFinite(weight)) result.Add(new Rating(p.Row, p.Column, weight));
        }
        return [.. result];
    }

    private int PairIndex(int row, int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        var key = ((long)row << 32) | (uint)column;
        if (_indexByPair.TryGetValue(key, out var index)) return index;
        index = _pairs.Count;
        _indexByPair.Add(key, index);
        _pairs.Add(new PairWeight(row, column, 0f, 0.0));
        return index;
    }

    // Events are summed in double: a pair can collect very many (every view of a popular page).
    private readonly record struct PairWeight(int Row, int Column, float RatingWeight, double EventWeight);
}
