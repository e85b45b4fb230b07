namespace OnlineRec.Silo.Options;

/// <summary>Where the silo keeps its data and how it finds the other silos.</summary>
public enum ClusterMode
{
    /// <summary>One silo, SQLite files under Storage:DataDirectory, no server to install (the default).</summary>
    Embedded,

    /// <summary>
    /// Any number of silos sharing one PostgreSQL database: Orleans membership, grain state and reminders (ADO.NET
    /// providers) and OnlineRec's rating log and model store.
    /// </summary>
    Postgres,
}
