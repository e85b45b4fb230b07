using OnlineRec.Silo;
using OnlineRec.Silo.Startup;

// Container health checks run the binary itself (the runtime image has no curl).
if (args.Contains("--health-probe")) return await HealthProbe.RunAsync(args);

// `migrate`: apply the PostgreSQL schema (ours and Orleans') and exit — for deployments that migrate as a separate step.
if (args.Length > 0 && args[0] == "migrate") return await SchemaMigrationCommand.RunAsync(args[1..]);

// `backup --to DIR`: a consistent copy of the embedded databases, safe while a silo runs on them.
if (args.Length > 0 && args[0] == "backup") return BackupCommand.Run(args[1..]);

WebApplication app;
try
{
    app = SiloHost.Build(args);
    await app.StartAsync();
}
catch (SiloStartException ex)
{
    // One line, no stack trace: the setting, port or directory to fix (exit 2: configuration, 1: held by another process).
    Console.Error.WriteLine($"onlinerec silo: {ex.Message}");
    return ex.ExitCode;
}
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;
