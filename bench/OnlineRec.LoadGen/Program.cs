using OnlineRec.Client;
using OnlineRec.LoadGen;

return await LoadCommand.CreateRoot(CliContext.ForConsole()).Parse(args).InvokeAsync();
