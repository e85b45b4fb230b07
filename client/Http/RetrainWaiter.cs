using OnlineRec.Api.Contracts;
namespace OnlineRec.Client.Http;

/// <summary>Waits, by polling GET /model, for a retrain to finish: the reconciler idle with a retrain report newer than a known one.</summary>
public static class RetrainWaiter
{
    /// <summary>
    /// Polls until the model is idle and its last retrain report differs from <paramref name="before"/> (the report
    /// seen before asking for the retrain; null if there was none). Returns the model status holding the new report.
    /// </summary>
    public static async Task<ModelResponse> WaitAsync(OnlineRecHttpClient http, RetrainReportDto? before, TimeSpan timeout,
        TimeSpan pollInterval, CancellationToken cancellationToken, Action<ModelResponse>? onPoll = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var model = await http.GetModelAsync(deadline.Token);
                onPoll?.Invoke(model);
                if (!model.IsTraining && model.LastRetrain is { } report && !IsSame(report, before)) return model;
                await Task.Delay(pollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No retrain finished within {timeout.TotalSeconds:F0} s.");
        }
    }

    private static bool IsSame(RetrainReportDto report, RetrainReportDto? before) =>
        before is not null && report.Version == before.Version && report.StartedAt == before.StartedAt && report.FinishedAt == before.FinishedAt;
}
