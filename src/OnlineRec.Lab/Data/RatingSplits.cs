using OnlineRec.Core.Model;

namespace OnlineRec.Lab.Data;

/// <summary>Train and test events before id mapping.</summary>
public sealed record EventSplit(RatingEvent[] Train, RatingEvent[] Test)
{
    /// <summary>Builds the training dataset and maps the test events onto its indices (unseen ids become −1).</summary>
    public DatasetSplit ToDatasets()
    {
        var train = RatingDataset.FromEvents(Train);
        return new DatasetSplit(train, RatingDataset.MapOnto(Test, train.Users, train.Items));
    }
}

/// <summary>Ways to hold out test ratings from a list of events. Every split keeps the input's relative order.</summary>
public static class RatingSplits
{
    /// <summary>
    /// Holds out each user's <paramref name="perUser"/> latest ratings (ties broken by position), like MovieLens
    /// ua/ub; a user always keeps at least one training rating, so users with ≤ <paramref name="perUser"/> ratings
    /// lose fewer.
    /// </summary>
    public static EventSplit LastPerUser(IReadOnlyList<RatingEvent> events, int perUser)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perUser, 1);
        // Positions of each user's events, newest first.
        var byUser = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            if (!byUser.TryGetValue(events[i].User, out var list)) byUser[events[i].User] = list = [];
            list.Add(i);
        }
        var isTest = new bool[events.Count];
        foreach (var positions in byUser.Values)
        {
            positions.Sort((a, b) => events[b].Timestamp != events[a].Timestamp
                ? events[b].Timestamp.CompareTo(events[a].Timestamp)
                : b.CompareTo(a));
            var holdOut = Math.Min(perUser, positions.Count - 1);
            for (var j = 0; j < holdOut; j++) isTest[positions[j]] = true;
        }
        return Partition(events, isTest);
    }

    /// <summary>Each event goes to the test set with probability <paramref name="testFraction"/> (seeded).</summary>
    public static EventSplit RandomFraction(IReadOnlyList<RatingEvent> events, double testFraction, int seed)
    {
        if (!(testFraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), "Must be in [0, 1].");
        var random = new Random(seed);
        var isTest = new bool[events.Count];
        for (var i = 0; i < isTest.Length; i++) isTest[i] = random.NextDouble() < testFraction;
        return Partition(events, isTest);
    }

    /// <summary>
    /// A global temporal cut: the latest <paramref name="testFraction"/> of events (by timestamp, then position)
    /// form the test set, so the model is judged on the future only.
    /// </summary>
    public static EventSplit ByTime(IReadOnlyList<RatingEvent> events, double testFraction)
    {
        if (!(testFraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), "Must be in [0, 1].");
        var order = new int[events.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => events[a].Timestamp != events[b].Timestamp
            ? events[a].Timestamp.CompareTo(events[b].Timestamp)
            : a.CompareTo(b));
        var testCount = (int)Math.Round(events.Count * testFraction);
        var isTest = new bool[events.Count];
        for (var j = events.Count - testCount; j < events.Count; j++) isTest[order[j]] = true;
        return Partition(events, isTest);
    }

    private static EventSplit Partition(IReadOnlyList<RatingEvent> events, bool[] isTest)
    {
        var testCount = 0;
        foreach (var t in isTest) if (t) testCount++;
        var train = new RatingEvent[events.Count - testCount];
        var test = new RatingEvent[testCount];
        int a = 0, b = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (isTest[i]) test[b++] = events[i];
            else train[a++] = events[i];
        }
        return new EventSplit(train, test);
    }
}
