using OnlineRec.Client;

// Wiring only: each command lives in its own file under Commands/.
return await CliApp.InvokeAsync(CliApp.CreateRoot(CliContext.ForConsole()), args);
