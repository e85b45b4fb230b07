using System.CommandLine;
using OnlineRec.Api.Contracts;
using OnlineRec.Client.Http;
using OnlineRec.Lab.Data;
using Spectre.Console;

namespace OnlineRec.Client.Commands;

/// <summary>
/// <c>onlinerec recommend USER [-k 10]</c> (top-k unseen items) and <c>onlinerec similar ITEM [-k 10]</c> (nearest
/// items by latent cosine): both print a ranked table, with MovieLens titles when <c>--titles u.item</c> is given.
/// </summary>
public static class ItemListCommands
{
    public static Command Recommend(CliContext context)
    {
        var user = new Argument<string>("user") { Description = "User id." };
        return Create(context, "recommend", "Top-k items for a user (items the user rated are excluded).", user,
            (http, id, k, ct) => http.RecommendAsync(id, k, ct), id => $"Top items for user {id}");
    }

    public static Command Similar(CliContext context)
    {
        var item = new Argument<string>("item") { Description = "Item id." };
        return Create(context, "similar", "Items most similar to an item (cosine of latent vectors).", item,
            (http, id, k, ct) => http.SimilarAsync(id, k, ct), id => $"Items similar to {id}");
    }

    private static Command Create(CliContext context, string name, string description, Argument<string> id,
        Func<OnlineRecHttpClient, string, int, CancellationToken, Task<ScoredItemDto[]>> query, Func<string, string> title)
    {
        var url = CommonOptions.Url(context);
        var k = CommonOptions.Positive("--k", 10, "How many items.", "-k");
        var titles = new Option<FileInfo?>("--titles") { Description = "MovieLens u.item file to show titles next to item ids." };
        var command = new Command(name, description) { id, k, url, titles };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = parse.GetValue(url)!;
            return CommandErrors.RunAsync(context, target, async () =>
            {
                var names = parse.GetValue(titles) is { } file
                    ? MovieLensSideFiles.ReadItems(file.FullName).ToDictionary(i => i.Id, i => i.Title, StringComparer.Ordinal)
                    : null;
                using var http = context.CreateHttpClient(target);
                var key = parse.GetValue(id)!;
                var items = await query(http, key, parse.GetValue(k), cancellationToken);
                var table = new Table().Border(TableBorder.Rounded).Title(title(key))
                    .AddColumn(new TableColumn("#").RightAligned()).AddColumn("Item");
                if (names is not null) table.AddColumn("Title");
                table.AddColumn(new TableColumn("Score").RightAligned());
                for (var i = 0; i < items.Length; i++)
                {
                    var cells = new List<string> { (i + 1).ToString(), Markup.Escape(items[i].Item) };
                    if (names is not null) cells.Add(Markup.Escape(names.GetValueOrDefault(items[i].Item, "")));
                    cells.Add(items[i].Score.ToString("F3"));
                    table.AddRow(cells.ToArray());
                }
                context.Output.Write(table);
                if (items.Length == 0) context.Output.MarkupLine("[grey]no items yet: ingest some ratings first[/]");
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
