using System.Globalization;
using System.Text;

namespace OnlineRec.Cluster.Tests;

/// <summary>The run's figures as "name: value" lines, for the test output and a report file CI prints.</summary>
public sealed class KillTestReport
{
    private readonly List<(string Name, string Value)> _lines = [];
    private readonly Lock _lock = new();

    public void Add(string name, FormattableString value)
    {
        lock (_lock) _lines.Add((name, value.ToString(CultureInfo.InvariantCulture)));
    }

    public void Add(string name, string value)
    {
        lock (_lock) _lines.Add((name, value));
    }

    public override string ToString()
    {
        lock (_lock)
        {
            var width = _lines.Count == 0 ? 0 : _lines.Max(l => l.Name.Length);
            var text = new StringBuilder("cluster kill test\n");
            foreach (var (name, value) in _lines) text.Append("  ").Append(name.PadRight(width)).Append("  ").Append(value).Append('\n');
            return text.ToString();
        }
    }
}
