using OnlineRec.Client.Ingestion;
using OnlineRec.Lab.Data;

namespace OnlineRec.Client.Tests;

public sealed class FileBatchesTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static async Task<List<OutgoingBatch>> ReadAll(FileBatches source)
    {
        var batches = new List<OutgoingBatch>();
        await foreach (var b in source.ReadAsync()) batches.Add(b);
        return batches;
    }

    [Fact]
    public async Task Movielens_tab_file_is_cut_into_batches_with_their_line_ranges()
    {
        var path = _files.Write("u1.base", "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n3\t7\t1\t889751712\n3\t9\t2\t875071561\n");
        var source = new FileBatches(path, batchSize: 2);

        var batches = await ReadAll(source);

        Assert.Equal(RatingFileFormat.MovieLensTab, source.Format);
        Assert.Equal([2, 2, 1], batches.Select(b => b.Count));
        Assert.Equal([0L, 1, 2], batches.Select(b => b.Index));
        Assert.Equal((1L, 2L), (batches[0].FirstLine, batches[0].LastLine));
        Assert.Equal((5L, 5L), (batches[2].FirstLine, batches[2].LastLine));
        var first = batches[0].Ratings[0];
        Assert.Equal(("1", "1", 5f, 874965758L), (first.User, first.Item, first.Value, first.Timestamp));
    }

    [Fact]
    public async Task Movielens_dat_and_csv_and_generic_csv_are_detected()
    {
        var dat = new FileBatches(_files.Write("ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n"), 10);
        var csv = new FileBatches(_files.Write("ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n"), 10);
        var generic = new FileBatches(_files.Write("likes.csv", "user,item,rating\nann,tea,2.5\nbob,tea,1\n"), 10);

        Assert.Equal(RatingFileFormat.MovieLensDat, dat.Format);
        Assert.Equal(RatingFileFormat.MovieLensCsv, csv.Format);
        Assert.Equal(RatingFileFormat.GenericCsv, generic.Format);
        Assert.Equal(2, (await ReadAll(dat)).Single().Count);
        Assert.Equal([4f, 4.5f], (await ReadAll(csv)).Single().Ratings.Select(r => r.Value));
        var genericRatings = (await ReadAll(generic)).Single().Ratings;
        Assert.Equal(["ann", "bob"], genericRatings.Select(r => r.User));
        Assert.Equal(0, genericRatings[0].Timestamp); // no timestamp column: 0 = "now" for the server
    }

    [Fact]
    public async Task A_bad_line_throws_with_file_and_line_after_the_complete_batches_before_it()
    {
        var path = _files.Write("u2.base", "1\t1\t5\t1\n2\t1\t4\t2\n3\t1\t3\t3\n4\t1\tfour\t4\n5\t1\t3\t5\n");
        var batches = new List<OutgoingBatch>();

        var error = await Assert.ThrowsAsync<DataFormatException>(async () =>
        {
            await foreach (var b in new FileBatches(path, batchSize: 2).ReadAsync()) batches.Add(b);
        });

        Assert.Equal(("u2.base", 4L), (error.FileName, error.LineNumber));
        Assert.StartsWith("u2.base:4:", error.Message);
        Assert.Single(batches); // lines 1–2; the batch holding lines 3–4 was never handed out
        Assert.Equal(2, batches[0].LastLine);
    }

    [Fact]
    public void Line_count_includes_a_last_line_without_newline()
    {
        Assert.Equal(3, FileBatches.CountLines(_files.Write("a.csv", "a,b,1\nc,d,2\ne,f,3")));
        Assert.Equal(2, FileBatches.CountLines(_files.Write("b.csv", "a,b,1\nc,d,2\n")));
    }
}
