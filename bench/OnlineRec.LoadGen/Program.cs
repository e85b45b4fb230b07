using OnlineRec.Client;
using OnlineRec.LoadGen;

return await CliApp.InvokeAsync(LoadCommand.CreateRoot(CliContext.ForConsole()), args);
