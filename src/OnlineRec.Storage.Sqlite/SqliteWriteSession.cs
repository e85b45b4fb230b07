using Microsoft.Data.Sqlite;

namespace OnlineRec.Storage.Sqlite;

/// <summary>A SQL statement with named parameters, prepared once per writer connection and reused.</summary>
public sealed record SqliteStatement(string Sql, params string[] ParameterNames);

/// <summary>
/// The writer's long-lived connection as seen by a <see cref="WriteOperation"/>: every statement is prepared on first
/// use and then only re-bound, so a steady stream of appends parses no SQL.
/// </summary>
public sealed class SqliteWriteSession : IDisposable
{
    private readonly Dictionary<SqliteStatement, SqliteCommand> _commands = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SqliteStatement, RawInsert> _raw = new(ReferenceEqualityComparer.Instance);

    internal SqliteWriteSession(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>The prepared command for <paramref name="statement"/>; its parameters are in declaration order.</summary>
    public SqliteCommand Command(SqliteStatement statement)
    {
        if (_commands.TryGetValue(statement, out var command)) return command;
        command = Connection.CreateCommand();
        command.CommandText = statement.Sql;
        foreach (var name in statement.ParameterNames) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        command.Prepare();
        _commands.Add(statement, command);
        return command;
    }

    /// <summary>
    /// <paramref name="statement"/> prepared for positional binding through SQLite's C API (<see cref="RawInsert"/>):
    /// for statements run once per rating. Runs inside the same transaction as <see cref="Command"/>'s.
    /// </summary>
    public RawInsert Raw(SqliteStatement statement)
    {
        if (_raw.TryGetValue(statement, out var insert)) return insert;
        insert = new RawInsert(Connection.Handle!, statement.Sql);
        _raw.Add(statement, insert);
        return insert;
    }

    internal void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
        foreach (var insert in _raw.Values) insert.Dispose();
        _raw.Clear();
        Connection.Dispose();
    }
}
