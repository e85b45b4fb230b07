using Microsoft.AspNetCore.Http.HttpResults;
using OnlineRec.Abstractions;
using OnlineRec.Api.Contracts;
using OnlineRec.Grains.Learning;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Serving;

namespace OnlineRec.Silo.Api;

/// <summary>The model's state and retraining (/model) and the liveness probe (/health).</summary>
internal static class ModelApi
{
    public static IEndpointRouteBuilder MapModelApi(this IEndpointRouteBuilder app)
    {
        var model = app.MapGroup("/model").WithTags("Model");
        model.MapGet("", GetModel).WithName("GetModel")
            .WithSummary("Installed model version, counts and the last retrain")
            .WithDescription("Poll it to wait for a retrain (status returns to \"idle\" with a new lastRetrain) or for learning (learned).");
        model.MapPost("/retrain", PostRetrain).WithName("PostRetrain")
            .WithSummary("Start a global ALS retrain")
            .WithDescription("202: the retrain runs in the background (or was already running); GET /model reports it.");

        app.MapGroup("/health").WithTags("Health")
            .MapGet("", GetHealth).WithName("GetHealth")
            .WithSummary("Liveness and installed model version");
        return app;
    }

    private static async Task<Ok<ModelResponse>> GetModel(IGrainFactory grains, LearningProgress progress)
    {
        var s = await grains.GetGrain<IAlsReconcilerGrain>(0).GetStatus();
        var last = s.LastRetrain is { } r
            ? new RetrainReportDto(r.Version, r.SnapshotSequence, r.Ratings, r.Users, r.Items, r.Algorithm, r.TrainSeconds,
                double.IsFinite(r.TrainRmse) ? r.TrainRmse : null, r.Trigger, r.StartedAt, r.FinishedAt, r.Error)
            : null;
        var status = s.Status == ReconcilerStatus.Training ? "training" : "idle";
        return TypedResults.Ok(new ModelResponse(s.Version, s.Ratings, s.Users, s.Items, status, s.GlobalMean, last, progress.Learned));
    }

    private static async Task<Accepted<RetrainAccepted>> PostRetrain(IGrainFactory grains)
    {
        var started = await grains.GetGrain<IAlsReconcilerGrain>(0).RequestRetrain("api");
        return TypedResults.Accepted("/model", new RetrainAccepted(started, started ? "training" : "already-training"));
    }

    private static Ok<HealthResponse> GetHealth(ModelCatalog catalog) =>
        TypedResults.Ok(new HealthResponse("ok", catalog.Current.Version));
}
