using OnlineRec.Client.Ingestion;
using OnlineRec.Core.Model;

namespace OnlineRec.Client.Tests;

public sealed class IdempotencyKeysTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static async Task<List<string>> Keys(string path, int batchSize, string? prefix = null)
    {
        var keys = new List<string>();
        await foreach (var b in new FileBatches(path, batchSize, keyPrefix: prefix).ReadAsync()) keys.Add(b.IdempotencyKey);
        return keys;
    }

    private const string SixRatings = "1\t1\t5\t1\n2\t1\t4\t2\n3\t1\t3\t3\n4\t1\t4\t4\n5\t1\t3\t5\n6\t2\t1\t6\n";

    [Fact]
    public async Task Reading_the_same_file_twice_gives_the_same_keys()
    {
        var path = _files.Write("u1.base", SixRatings);

        var first = await Keys(path, 2);
        var second = await Keys(path, 2);

        Assert.Equal(first, second);
        Assert.Equal(3, first.Distinct().Count());
    }

    [Fact]
    public async Task A_copy_elsewhere_with_the_same_name_and_content_has_the_same_keys()
    {
        var a = _files.Write("u1.base", SixRatings);
        Directory.CreateDirectory(Path.Combine(_files.Directory, "copy"));
        var b = _files.Write(Path.Combine("copy", "u1.base"), SixRatings);

        Assert.Equal(await Keys(a, 2), await Keys(b, 2));
    }

    [Fact]
    public async Task Fixing_a_line_changes_only_the_key_of_its_batch()
    {
        var before = await Keys(_files.Write("u1.base", SixRatings), 2);
        var after = await Keys(_files.Write("u1.base", SixRatings.Replace("4\t1\t4\t4", "4\t1\t2\t4")), 2);

        Assert.Equal(before[0], after[0]);
        Assert.NotEqual(before[1], after[1]);
        Assert.Equal(before[2], after[2]);
    }

    [Fact]
    public async Task Batch_size_and_file_name_are_part_of_the_key()
    {
        var path = _files.Write("u1.base", SixRatings);
        var other = _files.Write("u2.base", SixRatings);

        Assert.Empty((await Keys(path, 2)).Intersect(await Keys(path, 3)));
        Assert.Empty((await Keys(path, 2)).Intersect(await Keys(other, 2)));
        Assert.All(await Keys(path, 2, prefix: "again"), k => Assert.StartsWith("again:", k));
    }

    [Fact]
    public void Content_hash_tells_id_boundaries_apart()
    {
        RatingEvent[] a = [new("ab", "c", 4, 1)];
        RatingEvent[] b = [new("a", "bc", 4, 1)];

        Assert.NotEqual(IdempotencyKeys.ContentHash(a), IdempotencyKeys.ContentHash(b));
        Assert.Equal(IdempotencyKeys.ContentHash(a), IdempotencyKeys.ContentHash([new("ab", "c", 4, 1)]));
    }

    [Fact]
    public void Keys_stay_within_the_server_limit_for_long_names()
    {
        var prefix = IdempotencyKeys.FilePrefix(new string('x', 400) + ".csv", 5000);
        var key = IdempotencyKeys.ForFileBatch(prefix, 123_456, [new RatingEvent("u", "i", 3, 0)]);

        Assert.InRange(key.Length, 1, IdempotencyKeys.MaxLength);
        Assert.Equal(key, IdempotencyKeys.ForFileBatch(prefix, 123_456, [new RatingEvent("u", "i", 3, 0)]));
        Assert.InRange(IdempotencyKeys.ForBatch(new string('p', 300), 1).Length, 1, IdempotencyKeys.MaxLength);
    }
}
