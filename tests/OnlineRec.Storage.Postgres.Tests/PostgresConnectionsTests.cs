using Npgsql;

namespace OnlineRec.Storage.Postgres.Tests;

// Plain string handling: runs without a server.
public sealed class PostgresConnectionsTests
{
    [Fact]
    public void Orleans_connection_finds_the_orleans_schema_and_gets_the_capped_pool()
    {
        var options = new PostgresStorageOptions { ConnectionString = "Host=db;Username=u;Password=p;Database=d", OrleansSchema = "orleans_x", MaxPoolSize = 7 };

        var built = new NpgsqlConnectionStringBuilder(PostgresConnections.ForOrleans(options));

        Assert.Equal("orleans_x", built.SearchPath);
        Assert.Equal(7, built.MaxPoolSize);
        Assert.Equal("db", built.Host);
    }

    [Theory]
    [InlineData("Maximum Pool Size=40")]
    [InlineData("maximum pool size=40")]
    [InlineData("MaxPoolSize=40")]
    public void An_explicit_pool_size_in_the_connection_string_wins(string setting)
    {
        var options = new PostgresStorageOptions { ConnectionString = $"Host=db;Username=u;{setting}" };

        Assert.Equal(40, new NpgsqlConnectionStringBuilder(PostgresConnections.ForOrleans(options)).MaxPoolSize);
    }
}
