namespace OnlineRec.Core.Model;

/// <summary>One log entry over dense indices: a rating (Value = stars) or an implicit event (Value = its weight).</summary>
public readonly record struct InteractionEntry(int User, int Item, float Value, long Timestamp, LogEntryKind Kind = LogEntryKind.Rating);

/// <summary>
/// Implicit feedback over dense user/item indices: one weight w per interacted (user, item) pair, by user and by item
/// (compressed rows whose values are the weights, in the order each pair first appeared), and the items' decayed
/// popularity. What an implicit-ALS trainer fits; built from a log by the rule of <see cref="InteractionOptions"/>.
/// </summary>
public sealed class InteractionDataset
{
    private InteractionDataset(IdMap users, IdMap items, Rating[] interactions, ItemPopularity popularity)
    {
        Users = users;
        Items = items;
        Interactions = interactions;
        Popularity = popularity;
        ByUser = SparseRows.Build(interactions, users.Count, byUser: true);
        ByItem = SparseRows.Build(interactions, items.Count, byUser: false);
    }

    public IdMap Users { get; }
    public IdMap Items { get; }

    /// <summary>Each interacted pair once: (user, item, w) in first-appearance order.</summary>
    public Rating[] Interactions { get; }

    public int Count => Interactions.Length;

    /// <summary>Row u lists (item, w).</summary>
    public SparseRows ByUser { get; }

    /// <summary>Row i lists (user, w).</summary>
    public SparseRows ByItem { get; }

    public ItemPopularity Popularity { get; }

    /// <summary>
    /// Aggregates <paramref name="entries"/> (in log sequence order, indices into the maps) into interactions and
    /// popularity. The maps are used as they are: they must hold every index the entries use.
    /// </summary>
    public static InteractionDataset Build(IdMap users, IdMap items, IEnumerable<InteractionEntry> entries, InteractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(items);
        options.Validate();
        var aggregator = new InteractionAggregator(options);
        var popularity = new PopularityAccumulator(items.Count, options.PopularityHalfLifeSeconds);
        foreach (var e in entries)
        {
            if ((uint)e.User >= (uint)users.Count || (uint)e.Item >= (uint)items.Count)
                throw new ArgumentException($"Entry ({e.User}, {e.Item}) is outside the id maps ({users.Count} users, {items.Count} items).", nameof(entries));
            aggregator.Add(e.User, e.Item, e.Value, e.Kind);
            if (IsInteraction(e, options)) popularity.Add(e.Item, e.Timestamp);
        }
        return new InteractionDataset(users, items, aggregator.ToInteractions(),
            new ItemPopularity(popularity.ScoresAt(popularity.MaxTimestamp), popularity.MaxTimestamp, options.PopularityHalfLifeDays));
    }

    /// <summary>The implicit view of a rating set (ratings in their stored order), sharing its id maps.</summary>
    public static InteractionDataset FromRatings(RatingDataset ratings, InteractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var stamps = ratings.Timestamps;
        return Build(ratings.Users, ratings.Items,
            ratings.Ratings.Select((r, n) => new InteractionEntry(r.User, r.Item, r.Value, stamps?[n] ?? 0)), options);
    }

    /// <summary>Whether an entry counts as an interaction of its own (for popularity): it carries a positive weight.</summary>
    public static bool IsInteraction(in InteractionEntry entry, InteractionOptions options) =>
        entry.Kind == LogEntryKind.Event ? entry.Value > 0f : options.RatingWeightOf(entry.Value) > 0f;
}
