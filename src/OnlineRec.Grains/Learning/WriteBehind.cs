using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// Writes a grain's state at most once per interval, and only when it changed: an SGD step must not cost a storage
/// write. What a crash loses in between is restored from the rating log. The timer exists only while the state is
/// dirty (armed by <see cref="MarkDirty"/>, dropped by the first tick that finds nothing to write), so thousands of
/// idle grains cost no timer ticks. <paramref name="beforeWrite"/> lets the grain bring derived fields of the state up to
/// date once per write rather than on every change.
/// </summary>
internal sealed class WriteBehind<TState>(Grain grain, IPersistentState<TState> state, TimeSpan interval, ILogger logger,
    Action? beforeWrite = null)
{
    private IGrainTimer? _timer;

    public bool IsDirty { get; private set; }

    public void MarkDirty()
    {
        IsDirty = true;
        _timer ??= grain.RegisterGrainTimer(static (self, _) => self.TickAsync(), this,
            new GrainTimerCreationOptions(interval, interval) { Interleave = false, KeepAlive = false });
    }

    public async Task FlushAsync()
    {
        if (!IsDirty) return;
        IsDirty = false;
        try
        {
            beforeWrite?.Invoke();
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException ex)
        {
            // Someone else wrote this grain's state since we read it: we are a stale or duplicate activation (seen
            // while a dead silo's directory entries move). Retrying with our ETag would fail forever and keep a
            // diverging copy alive; deactivate instead, so the next call re-reads the state and catches up from the log.
            logger.LogWarning(ex, "Write-behind of {StateType} hit an ETag conflict; deactivating this activation.", typeof(TState).Name);
            grain.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "stale state ETag on write-behind"));
        }
        catch (Exception ex)
        {
            IsDirty = true;
            logger.LogWarning(ex, "Write-behind of {StateType} failed; will retry at the next interval.", typeof(TState).Name);
        }
    }

    private Task TickAsync()
    {
        if (IsDirty) return FlushAsync();
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }
}
