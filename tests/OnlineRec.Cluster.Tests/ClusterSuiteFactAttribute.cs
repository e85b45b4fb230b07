namespace OnlineRec.Cluster.Tests;

/// <summary>
/// A fact of the cluster suite: it starts real silo processes, so it runs only when a PostgreSQL server is named
/// (<c>ONLINEREC_TEST_POSTGRES</c>) and the suite is asked for (<c>ONLINEREC_CLUSTER_SUITE=1</c>, which
/// .ci/cluster-suite.sh sets). Otherwise it is reported as skipped, so <c>dotnet test OnlineRec.sln</c> stays light.
/// </summary>
public sealed class ClusterSuiteFactAttribute : FactAttribute
{
    public const string PostgresVariable = "ONLINEREC_TEST_POSTGRES";
    public const string SuiteVariable = "ONLINEREC_CLUSTER_SUITE";

    public static string? ServerConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs ? cs : null;

    public ClusterSuiteFactAttribute()
    {
        if (ServerConnectionString is null)
            Skip = $"Set {PostgresVariable} to a PostgreSQL connection string (see .ci/postgres-setup.sh) to run the cluster suite.";
        else if (Environment.GetEnvironmentVariable(SuiteVariable) != "1")
            Skip = $"The cluster suite starts real silo processes for minutes: run it with .ci/cluster-suite.sh (or set {SuiteVariable}=1).";
    }
}
