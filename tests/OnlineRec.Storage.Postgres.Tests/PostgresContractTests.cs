using OnlineRec.Storage.Models;
using OnlineRec.Storage.Postgres.Models;
using OnlineRec.Storage.Postgres.RatingLog;
using OnlineRec.Storage.RatingLog;

namespace OnlineRec.Storage.Postgres.Tests;

/// <summary>The shared log contract on PostgreSQL; skipped without a configured server.</summary>
public sealed class PostgresRatingLogContractTests : RatingLogContract, IAsyncLifetime
{
    private readonly PerTestDatabase _db = new();

    public static string? ContractSkipReason => PerTestDatabase.SkipReason;

    protected override IRatingLog OpenLog(int? readPageSize = null) =>
        new PostgresRatingLog(_db.Database.With(o => o.ReadPageSize = readPageSize ?? o.ReadPageSize));

    public Task InitializeAsync() => _db.InitializeAsync();
    public Task DisposeAsync() => _db.DisposeAsync();
}

/// <summary>The shared model-store contract on PostgreSQL; skipped without a configured server.</summary>
public sealed class PostgresModelStoreContractTests : ModelStoreContract, IAsyncLifetime
{
    private readonly PerTestDatabase _db = new();

    public static string? ContractSkipReason => PerTestDatabase.SkipReason;

    protected override IModelStore OpenStore(int? versionsToKeep = null) =>
        new PostgresModelStore(_db.Database.With(o => o.ModelVersionsToKeep = versionsToKeep ?? o.ModelVersionsToKeep));

    public Task InitializeAsync() => _db.InitializeAsync();
    public Task DisposeAsync() => _db.DisposeAsync();
}

/// <summary>Fresh migrated schemas for one test (xunit makes a test-class instance per test), dropped afterwards.</summary>
internal sealed class PerTestDatabase : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    public static string? SkipReason => PostgresTestDatabase.ConnectionString is null
        ? $"Set {PostgresTestDatabase.EnvironmentVariable} to a PostgreSQL connection string (see .ci/postgres-setup.sh) to run this test."
        : null;

    public PostgresTestDatabase Database => _database ?? throw new InvalidOperationException("No PostgreSQL test database.");

    public async Task InitializeAsync()
    {
        if (SkipReason is null) _database = await PostgresTestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
    }
}
