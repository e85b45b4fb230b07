using OnlineRec.Core.Model;
using OnlineRec.Lab.Data;

namespace OnlineRec.Lab.Tests.Data;

public sealed class RatingFileReaderTests
{
    private static RatingEvent[] Read(string text, string name, RatingReadOptions? options = null) =>
        RatingFileReader.ReadAll(new StringReader(text), name, options);

    [Fact]
    public void Reads_movielens_tab_lines_in_file_order()
    {
        var events = Read("196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n", "u.data");

        Assert.Equal(
        [
            new RatingEvent("196", "242", 3f, 881250949),
            new RatingEvent("186", "302", 3f, 891717742),
            new RatingEvent("22", "377", 1f, 878887116),
        ], events);
    }

    [Fact]
    public void Accepts_crlf_a_missing_final_newline_and_blank_lines()
    {
        var events = Read("1\t2\t5\t10\r\n\r\n3\t4\t1\t11", "u1.base");

        Assert.Equal([new RatingEvent("1", "2", 5f, 10), new RatingEvent("3", "4", 1f, 11)], events);
    }

    [Fact]
    public void Reads_dat_with_half_stars()
    {
        var events = Read("1::1193::5::978300760\n7::25::3.5::1100000000\n", "ratings.dat");

        Assert.Equal([new RatingEvent("1", "1193", 5f, 978300760), new RatingEvent("7", "25", 3.5f, 1100000000)], events);
    }

    [Fact]
    public void Reads_movielens_csv_skipping_its_header()
    {
        var events = Read("userId,movieId,rating,timestamp\n1,307,3.5,1256677221\n1,481,0.5,1256677456\n", "ratings.csv");

        Assert.Equal([new RatingEvent("1", "307", 3.5f, 1256677221), new RatingEvent("1", "481", 0.5f, 1256677456)], events);
    }

    [Fact]
    public void Generic_csv_takes_optional_header_timestamp_quotes_and_spaces()
    {
        var withHeader = Read("user,item,rating\nalice, \"book 1\" ,4.25\nbob,book2,2,99\n", "ingest.csv");
        var withoutHeader = Read("alice,book1,4\n", "ingest.csv");

        Assert.Equal([new RatingEvent("alice", "book 1", 4.25f, 0), new RatingEvent("bob", "book2", 2f, 99)], withHeader);
        Assert.Equal([new RatingEvent("alice", "book1", 4f, 0)], withoutHeader);
    }

    [Fact]
    public void Header_option_overrides_detection()
    {
        var events = Read("1,2,3\n4,5,1\n", "x.csv", new RatingReadOptions { HasHeader = true });

        Assert.Equal([new RatingEvent("4", "5", 1f, 0)], events);
    }

    [Theory]
    [InlineData("1\t2\t3", "u1.base:2: expected 4 tab-separated fields, found 3")]
    [InlineData("1\t2\t3\t4\t5", "u1.base:2: expected 4 tab-separated fields, found 5")]
    [InlineData("1\t2\tx\t4", "u1.base:2: rating 'x' is not a number")]
    [InlineData("\t2\t3\t4", "u1.base:2: empty user id")]
    [InlineData("1\t\t3\t4", "u1.base:2: empty item id")]
    [InlineData("1\t2\t6\t4", "u1.base:2: rating 6 is outside the scale [1, 5]")]
    [InlineData("1\t2\t3.5\t4", "u1.base:2: rating 3.5 is not a multiple of 1 from 1")]
    [InlineData("1\t2\tNaN\t4", "u1.base:2: rating NaN is not a finite number")]
    [InlineData("1\t2\t3\t-4", "u1.base:2: timestamp '-4' is not a non-negative integer")]
    [InlineData("1\t2\t3\t4.5", "u1.base:2: timestamp '4.5' is not a non-negative integer")]
    public void A_bad_line_throws_with_file_line_and_reason(string badLine, string message)
    {
        var e = Assert.Throws<DataFormatException>(() => Read("1\t1\t1\t1\n" + badLine + "\n1\t1\t1\t1\n", "u1.base"));

        Assert.Equal(message, e.Message);
        Assert.Equal("u1.base", e.FileName);
        Assert.Equal(2, e.LineNumber);
    }

    [Fact]
    public void Generic_csv_without_scale_rejects_only_non_finite_values()
    {
        Assert.Equal(250f, Read("a,b,250\n", "x.csv")[0].Value);
        var e = Assert.Throws<DataFormatException>(() => Read("a,b,1\na,c,Infinity\n", "x.csv"));
        Assert.Equal("x.csv:2: rating Infinity is not a finite number", e.Message);
    }

    [Fact]
    public void Generic_csv_checks_a_given_scale_and_field_count()
    {
        var options = new RatingReadOptions { Scale = RatingScale.HalfStars };

        Assert.Equal("x.csv:1: rating 5.5 is outside the scale [0.5, 5]",
            Assert.Throws<DataFormatException>(() => Read("a,b,5.5\n", "x.csv", options)).Message);
        Assert.Equal("x.csv:3: expected 3 or 4 comma-separated fields, found 2",
            Assert.Throws<DataFormatException>(() => Read("a,b,5\n\na,b\n", "x.csv", options)).Message);
    }

    [Fact]
    public void An_explicit_format_wins_over_detection()
    {
        var e = Assert.Throws<DataFormatException>(() =>
            Read("1::2::3::4\n", "whatever", new RatingReadOptions { Format = RatingFileFormat.MovieLensTab }));

        Assert.Equal("whatever:1: expected 4 tab-separated fields, found 1", e.Message);
    }

    [Fact]
    public void Undetectable_format_is_a_line_one_error()
    {
        var e = Assert.Throws<DataFormatException>(() => Read("\nhello\n", "notes.txt"));

        Assert.Equal(2, e.LineNumber);
        Assert.Contains("cannot tell the rating format", e.Reason);
    }

    [Theory]
    [InlineData("u.data", "1 2 3 4", RatingFileFormat.MovieLensTab)]
    [InlineData("ratings.dat", "", RatingFileFormat.MovieLensDat)]
    [InlineData("anything", "1::2::3::4", RatingFileFormat.MovieLensDat)]
    [InlineData("anything", "1\t2\t3\t4", RatingFileFormat.MovieLensTab)]
    [InlineData("anything", "userId,movieId,rating,timestamp", RatingFileFormat.MovieLensCsv)]
    [InlineData("ratings.csv", "user,item,rating", RatingFileFormat.GenericCsv)]
    [InlineData("ratings.csv", "", RatingFileFormat.MovieLensCsv)]
    [InlineData("u3.test", "", RatingFileFormat.MovieLensTab)]
    [InlineData("export.CSV", "", RatingFileFormat.GenericCsv)]
    [InlineData("notes.txt", "hello", null)]
    public void Detects_format_from_first_line_then_name(string name, string firstLine, RatingFileFormat? expected) =>
        Assert.Equal(expected, RatingFormatDetector.Detect(name, firstLine));

    [Fact]
    public void Repeated_ids_share_one_string()
    {
        var events = Read("7\t1\t3\t1\n7\t2\t3\t2\n", "u.data");

        Assert.Same(events[0].User, events[1].User);
    }

    [Fact]
    public void Lines_longer_than_the_buffer_are_read_whole()
    {
        var longId = new string('x', 200_000);
        var events = Read($"{longId},b,1\n", "x.csv");

        Assert.Equal(longId, events[0].User);
    }

    [Fact]
    public void Reads_files_by_path_with_detection()
    {
        var dir = Directory.CreateTempSubdirectory("onlinerec-readers");
        try
        {
            var path = Path.Combine(dir.FullName, "ratings.dat");
            File.WriteAllText(path, "1::10::4::100\n2::10::2::101\n");

            Assert.Equal(RatingFileFormat.MovieLensDat, RatingFileReader.DetectFormat(path));
            var dataset = RatingFileReader.LoadDataset(path);
            Assert.Equal(2, dataset.Count);
            Assert.Equal(1, dataset.Items.Count);
            Assert.Equal(3f, dataset.GlobalMean);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("user,item,rating\n\na,x,1\n\n\nb,y,2", 2)] // header, blank lines, no final newline
    [InlineData("a,x,1\nb,y,2\n", 2)] // exact: one rating per line
    [InlineData("a,x,1", 1)]
    [InlineData("", 0)]
    public void Whole_file_reads_return_exactly_the_ratings(string text, int expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"onlinerec-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        try
        {
            var events = RatingFileReader.ReadAll(path);

            Assert.Equal(expected, events.Length);
            Assert.Equal(RatingFileReader.ReadAll(new StringReader(text), "x.csv"), events);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
