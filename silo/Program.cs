using OnlineRec.Silo;

// Container health checks run the binary itself (the runtime image has no curl).
if (args.Contains("--health-probe")) return await HealthProbe.RunAsync();

var app = SiloHost.Build(args);
await app.RunAsync();
return 0;
