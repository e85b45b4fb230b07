using OnlineRec.Storage.Postgres.Schema;

namespace OnlineRec.Storage.Postgres.Tests;

public sealed class PostgresSchemaTests
{
    // Every query key the Orleans 10.4.2 ADO.NET providers refuse to start without (DbStoredQueries), plus the
    // optional DeleteStorageKey (DeleteStateOnClear).
    private static readonly string[] OrleansQueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "UpsertReminderRowKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [PostgresFact]
    public async Task Migrating_twice_applies_nothing_the_second_time_and_keeps_the_data()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false);

        var first = await PostgresSchema.MigrateAsync(db.Options);
        await db.ExecuteAsync($"INSERT INTO {db.Options.Schema}.model_versions VALUES (1, now(), 0, '{{}}', 1, 0, 0, 1, 1, '\\x00');");
        var second = await PostgresSchema.MigrateAsync(db.Options);

        Assert.Equal(6, first.Count);
        Assert.Empty(second);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {db.Options.Schema}.model_versions;"));
        var keys = await db.ScalarAsync<string[]>($"SELECT array_agg(QueryKey ORDER BY QueryKey) FROM {db.Options.OrleansSchema}.OrleansQuery;");
        Assert.Equal(OrleansQueryKeys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [PostgresFact]
    public async Task A_changed_script_is_applied_again_and_idempotent_scripts_survive_it()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        // Pretend the recorded checksums are stale (an upgraded build): everything re-runs over the existing tables.
        await db.ExecuteAsync($"UPDATE {db.Options.Schema}.schema_history SET checksum = 'old';");

        var rerun = await PostgresSchema.MigrateAsync(db.Options);

        Assert.Equal(6, rerun.Count);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {db.Options.Schema}.log_stats;"));
    }

    [PostgresFact]
    public async Task Silos_migrating_at_the_same_moment_all_succeed_and_the_scripts_run_once()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(migrate: false);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresSchema.MigrateAsync(db.Options))));

        Assert.Equal(6, runs.Sum(r => r.Count));
        Assert.Single(runs, r => r.Count > 0);
    }

    [PostgresFact]
    public async Task Schema_names_that_are_not_plain_identifiers_are_refused()
    {
        var options = new PostgresStorageOptions { ConnectionString = PostgresTestDatabase.ConnectionString!, Schema = "x; DROP TABLE y" };
        await Assert.ThrowsAsync<ArgumentException>(() => PostgresSchema.MigrateAsync(options));
    }
}
