using Microsoft.Extensions.Options;
using OnlineRec.Storage.Sqlite;

namespace OnlineRec.Silo.Options;

/// <summary>
/// Start-up check of the embedded storage settings (section "Storage"): the adapter's own rules
/// (<see cref="SqliteStorageOptions.Validate"/>), reported under the section the host binds them from.
/// </summary>
internal sealed class SqliteStorageOptionsValidator : IValidateOptions<SqliteStorageOptions>
{
    public const string Section = "Storage";

    public ValidateOptionsResult Validate(string? name, SqliteStorageOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{Section}:{ex.Message}");
        }
    }
}
