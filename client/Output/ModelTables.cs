using OnlineRec.Api.Contracts;
using OnlineRec.Client.Http;
using Spectre.Console;

namespace OnlineRec.Client.Output;

/// <summary>GET /model and a retrain report as tables.</summary>
public static class ModelTables
{
    public static Table Status(ModelResponse model)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Model").HideHeaders()
            .AddColumn("what").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("installed version", model.Version.ToString());
        table.AddRow("status", model.Status);
        table.AddRow("ratings logged", model.Ratings.ToString("N0"));
        table.AddRow("users", model.Users.ToString("N0"));
        table.AddRow("items", model.Items.ToString("N0"));
        table.AddRow("global mean μ", model.GlobalMean.ToString("F4"));
        if (model.LastRetrain is { } r)
            table.AddRow("last retrain", Markup.Escape($"v{r.Version}, {r.Trigger}, {r.FinishedAt:yyyy-MM-dd HH:mm:ss}Z{(r.Error is null ? "" : " (failed)")}"));
        return table;
    }

    public static Table Retrain(RetrainReportDto report)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Retrain").HideHeaders()
            .AddColumn("what").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("version", report.Version.ToString());
        table.AddRow("algorithm", Markup.Escape(report.Algorithm));
        table.AddRow("trigger", Markup.Escape(report.Trigger));
        table.AddRow("snapshot sequence", report.SnapshotSequence.ToString("N0"));
        table.AddRow("ratings", report.Ratings.ToString("N0"));
        table.AddRow("users", report.Users.ToString("N0"));
        table.AddRow("items", report.Items.ToString("N0"));
        table.AddRow("train RMSE", report.TrainRmse is { } rmse ? rmse.ToString("F4") : "–");
        table.AddRow("train time", $"{report.TrainSeconds:F2} s");
        table.AddRow("finished", $"{report.FinishedAt:yyyy-MM-dd HH:mm:ss}Z");
        if (report.Error is not null) table.AddRow("[red]error[/]", Markup.Escape(report.Error));
        return table;
    }
}
