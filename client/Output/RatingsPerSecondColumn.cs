using Spectre.Console;
using Spectre.Console.Rendering;

namespace OnlineRec.Client.Output;

/// <summary>A progress column showing the task's live speed as ratings per second (the task counts ratings).</summary>
public sealed class RatingsPerSecondColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        var speed = task.Speed ?? 0;
        return new Markup($"[cyan]{speed,10:N0}[/] ratings/s");
    }
}
