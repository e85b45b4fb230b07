using OnlineRec.Client;

// Wiring only: each command lives in its own file under Commands/.
return await CliApp.CreateRoot(CliContext.ForConsole()).Parse(args).InvokeAsync();
