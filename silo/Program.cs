using OnlineRec.Silo;

var app = SiloHost.Build(args);
await app.RunAsync();
