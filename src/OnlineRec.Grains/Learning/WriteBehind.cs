using Microsoft.Extensions.Logging;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// Writes a grain's state at most once per interval, and only when it changed: an SGD step must not cost a storage
/// write. What a crash loses in between is restored from the rating log.
/// </summary>
internal sealed class WriteBehind<TState>(IPersistentState<TState> state, ILogger logger)
{
    public bool IsDirty { get; private set; }

    public void MarkDirty() => IsDirty = true;

    public async Task FlushAsync()
    {
        if (!IsDirty) return;
        IsDirty = false;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            IsDirty = true;
            logger.LogWarning(ex, "Write-behind of {StateType} failed; will retry at the next interval.", typeof(TState).Name);
        }
    }

    public IGrainTimer Start(Grain grain, TimeSpan interval) =>
        grain.RegisterGrainTimer(static (self, _) => self.FlushAsync(), this,
            new GrainTimerCreationOptions(interval, interval) { Interleave = false, KeepAlive = false });
}
