using OnlineRec.Silo;

// Container health checks run the binary itself (the runtime image has no curl).
if (args.Contains("--health-probe")) return await HealthProbe.RunAsync();

// `migrate`: apply the PostgreSQL schema (ours and Orleans') and exit — for deployments that migrate as a separate step.
if (args.Length > 0 && args[0] == "migrate") return await SchemaMigrationCommand.RunAsync(args[1..]);

var app = SiloHost.Build(args);
await app.RunAsync();
return 0;
