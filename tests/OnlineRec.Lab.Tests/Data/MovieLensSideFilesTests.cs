using System.Text;
using OnlineRec.Lab.Data;

namespace OnlineRec.Lab.Tests.Data;

public sealed class MovieLensSideFilesTests
{
    // Invented rows in the u.item layout (not taken from the dataset).
    private const string Items =
        "1|Café Story (1990)|01-Jan-1990||http://example.org/1|0|1|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|1\n" +
        "2|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n" +
        "3|Short Day (1971)|4-Feb-1971||http://example.org/3|0|0|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0\n";

    [Fact]
    public void Parses_items_with_dates_genres_and_latin1_titles()
    {
        var path = Path.Combine(Path.GetTempPath(), $"onlinerec-{Guid.NewGuid():N}.item");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(Items)); // "é" is the single byte 0xE9: not valid UTF-8
        try
        {
            var items = MovieLensSideFiles.ReadItems(path);

            Assert.Equal(3, items.Count);
            Assert.Equal(new MovieLensItem("1", "Café Story (1990)", new DateOnly(1990, 1, 1), null, "http://example.org/1",
                MovieGenres.Action | MovieGenres.Comedy | MovieGenres.Western), items[0]);
            Assert.Equal(MovieGenres.Unknown, items[1].Genres);
            Assert.Null(items[1].ReleaseDate);
            Assert.Equal(new DateOnly(1971, 2, 4), items[2].ReleaseDate);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parses_users()
    {
        var users = MovieLensSideFiles.ReadUsers(new StringReader("1|30|F|writer|12345\n2|41|M|other|K1A0B\n"), "u.user");

        Assert.Equal([new MovieLensUser("1", 30, "F", "writer", "12345"), new MovieLensUser("2", 41, "M", "other", "K1A0B")], users);
    }

    [Theory]
    [InlineData("1|30|F|writer\n", "u.user:1: expected 5 '|'-separated fields, found 4")]
    [InlineData("1|30|F|writer|1\n2|old|M|x|2\n", "u.user:2: age 'old' is not a non-negative integer")]
    [InlineData("|30|F|writer|1\n", "u.user:1: empty id")]
    public void Bad_user_lines_name_file_and_line(string text, string message) =>
        Assert.Equal(message, Assert.Throws<DataFormatException>(() => MovieLensSideFiles.ReadUsers(new StringReader(text), "u.user")).Message);

    [Fact]
    public void Bad_item_lines_name_file_and_line()
    {
        var badDate = "3|X|1990-01-01||u|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n";
        var badFlag = "4|Y|||u|0|0|2|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n";

        Assert.Equal("u.item:4: release date '1990-01-01' is not of the form 01-Jan-1995",
            Assert.Throws<DataFormatException>(() => MovieLensSideFiles.ReadItems(new StringReader(Items + badDate), "u.item")).Message);
        Assert.Equal("u.item:1: genre flag 3 is '2', expected 0 or 1",
            Assert.Throws<DataFormatException>(() => MovieLensSideFiles.ReadItems(new StringReader(badFlag), "u.item")).Message);
    }

    [Fact]
    public void Folds_load_train_and_test_mapped_onto_train()
    {
        var dir = Directory.CreateTempSubdirectory("onlinerec-folds");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "u2.base"), "1\t10\t4\t1\n2\t20\t3\t2\n1\t20\t5\t3\n");
            File.WriteAllText(Path.Combine(dir.FullName, "u2.test"), "2\t10\t2\t4\n3\t20\t1\t5\n1\t30\t4\t6\n");

            var split = MovieLensFolds.Load(dir.FullName, "u2");

            Assert.Equal(3, split.Train.Count);
            Assert.Same(split.Train.Users, split.Test.Users);
            Assert.Equal([(1, 0), (-1, 1), (0, -1)], split.Test.Ratings.Select(r => (r.User, r.Item)));
            Assert.Throws<ArgumentException>(() => MovieLensFolds.Load(dir.FullName, "u9"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
