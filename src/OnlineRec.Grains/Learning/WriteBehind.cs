using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// Writes a grain's state at most once per interval, and only when it changed: an SGD step must not cost a storage
/// write. What a crash loses in between is restored from the rating log.
/// </summary>
internal sealed class WriteBehind<TState>(IPersistentState<TState> state, ILogger logger)
{
    private Grain? _grain;

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
        catch (InconsistentStateException ex)
        {
            // Someone else wrote this grain's state since we read it: we are a stale or duplicate activation (seen
            // while a dead silo's directory entries move). Retrying with our ETag would fail forever and keep a
            // diverging copy alive; deactivate instead, so the next call re-reads the state and catches up from the log.
            logger.LogWarning(ex, "Write-behind of {StateType} hit an ETag conflict; deactivating this activation.", typeof(TState).Name);
            _grain?.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "stale state ETag on write-behind"));
        }
        catch (Exception ex)
        {
            IsDirty = true;
            logger.LogWarning(ex, "Write-behind of {StateType} failed; will retry at the next interval.", typeof(TState).Name);
        }
    }

    public IGrainTimer Start(Grain grain, TimeSpan interval)
    {
        _grain = grain;
        return grain.RegisterGrainTimer(static (self, _) => self.FlushAsync(), this,
            new GrainTimerCreationOptions(interval, interval) { Interleave = false, KeepAlive = false });
    }
}
