using System.Text;
using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.Lab.Tests.Data;

public sealed class RatingBatchReaderTests
{
    private static string Lines(int count)
    {
        var text = new StringBuilder();
        for (var i = 1; i <= count; i++) text.Append($"{i}\t{i % 7}\t{1 + i % 5}\t{1000 + i}\n");
        return text.ToString();
    }

    [Fact]
    public void Batches_cover_every_line_once_with_line_ranges()
    {
        var batches = RatingFileReader.ReadBatches(new StringReader(Lines(10)), "u.data", new RatingReadOptions { BatchSize = 4 }).ToList();

        Assert.Equal([4, 4, 2], batches.Select(b => b.Count));
        Assert.Equal([(1L, 4L), (5L, 8L), (9L, 10L)], batches.Select(b => (b.FirstLineNumber, b.LastLineNumber)));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString()), batches.SelectMany(b => b.Events).Select(e => e.User));
    }

    [Fact]
    public void Batches_equal_the_whole_file_read_for_a_large_input()
    {
        var text = Lines(50_000);
        var all = RatingFileReader.ReadAll(new StringReader(text), "u.data");
        var batched = RatingFileReader.ReadBatches(new StringReader(text), "u.data", new RatingReadOptions { BatchSize = 3_000 })
            .SelectMany(b => b.Events).ToArray();

        Assert.Equal(50_000, all.Length);
        Assert.Equal(all, batched);
    }

    [Fact]
    public void A_bad_line_stops_the_stream_without_yielding_its_batch()
    {
        var text = Lines(5) + "6\t1\toops\t7\n" + Lines(2);
        var yielded = new List<RatingBatch>();

        var e = Assert.Throws<DataFormatException>(() =>
        {
            foreach (var batch in RatingFileReader.ReadBatches(new StringReader(text), "in.base", new RatingReadOptions { BatchSize = 4 }))
                yielded.Add(batch);
        });

        Assert.Equal("in.base:6: rating 'oops' is not a number", e.Message);
        Assert.Equal([4], yielded.Select(b => b.Count)); // line 5 was parsed but its batch never left the reader
    }

    [Fact]
    public void With_a_handler_bad_lines_are_reported_and_skipped()
    {
        var errors = new List<DataFormatError>();
        var events = RatingFileReader
            .ReadBatches(new StringReader("1\t1\t5\t1\n1\t2\n1\t3\t9\t3\n1\t4\t2\t4\n"), "in.base", onBadLine: errors.Add)
            .SelectMany(b => b.Events).ToArray();

        Assert.Equal(["1", "4"], events.Select(e => e.Item));
        Assert.Equal(
        [
            new DataFormatError("in.base", 2, "expected 4 tab-separated fields, found 2"),
            new DataFormatError("in.base", 3, "rating 9 is outside the scale [1, 5]"),
        ], errors);
    }

    [Fact]
    public async Task Async_batches_match_sync_batches()
    {
        var text = Lines(9_999);
        var options = new RatingReadOptions { BatchSize = 1_000 };
        var sync = RatingFileReader.ReadBatches(new StringReader(text), "u.data", options).ToList();
        var async = new List<RatingBatch>();
        await foreach (var batch in RatingFileReader.ReadBatchesAsync(new StringReader(text), "u.data", options))
            async.Add(batch);

        Assert.Equal(sync.Select(b => (b.FirstLineNumber, b.LastLineNumber)), async.Select(b => (b.FirstLineNumber, b.LastLineNumber)));
        Assert.Equal(sync.SelectMany(b => b.Events), async.SelectMany(b => b.Events));
    }

    [Fact]
    public async Task Async_reader_streams_from_a_file_and_reports_bad_lines_precisely()
    {
        var path = Path.Combine(Path.GetTempPath(), $"onlinerec-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "user,item,rating,timestamp\na,x,4,1\nb,y,,2\n");
        try
        {
            var e = await Assert.ThrowsAsync<DataFormatException>(async () =>
            {
                await foreach (var _ in RatingFileReader.ReadBatchesAsync(path)) { }
            });
            Assert.Equal(Path.GetFileName(path) + ":3: rating '' is not a number", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_fails_at_the_call()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.data");
        Assert.Throws<FileNotFoundException>(() => RatingFileReader.ReadBatches(missing));
        Assert.Throws<FileNotFoundException>(() => RatingFileReader.ReadBatchesAsync(missing));
    }
}
