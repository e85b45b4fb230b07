-- Orleans ADO.NET on PostgreSQL: the query table every Orleans ADO.NET provider reads at start-up.
--
-- Origin: the query contract of dotnet/orleans (https://github.com/dotnet/orleans, MIT licence), as defined by
-- src/AdoNet/Shared/PostgreSQL-Main.sql and src/AdoNet/Shared/Storage/DbStoredQueries.cs for Orleans 10.4.2
-- (those scripts are not shipped in the NuGet packages). Written for OnlineRec, not copied: the table and query keys
-- are the contract; the statements are ours.
--
-- Applied by PostgresSchema.MigrateAsync with search_path set to the Orleans schema; every statement is idempotent.
-- Orleans issues only "SELECT QueryKey, QueryText FROM OrleansQuery" itself and then runs the texts stored here, so
-- a query can be improved by re-running the migration (rows are upserted).

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
