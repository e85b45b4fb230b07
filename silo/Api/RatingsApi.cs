using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OnlineRec.Abstractions;
using OnlineRec.Api.Contracts;
using OnlineRec.Grains.Ingestion;

namespace OnlineRec.Silo.Api;

/// <summary>POST /ratings: the REST door of the ingestion path (validate the whole batch, log it durably, then learn).</summary>
internal static class RatingsApi
{
    public static IEndpointRouteBuilder MapRatingsApi(this IEndpointRouteBuilder app)
    {
        var ratings = app.MapGroup("/ratings").WithTags("Ratings")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        ratings.MapPost("", PostRatings).WithName("PostRatings")
            .WithSummary("Ingest a batch of ratings")
            .WithDescription("The batch is validated whole, written to the rating log (durable before the answer) and then learned online: "
                + "202 means stored, not yet learned. Any bad entry refuses the whole batch with 400 problem+json whose \"errors\" "
                + "lists {index, reason} per bad entry; nothing is stored.");
        return app;
    }

    private static async Task<Results<Accepted<RatingsAccepted>, ProblemHttpResult>> PostRatings(
        [FromBody] RatingsRequest body,
        [FromHeader(Name = "Idempotency-Key"), Description("Makes retries exactly-once: a batch sent again with the same key is stored once "
            + "and answered with the first sequences (duplicate: true).")] string? idempotencyKey,
        RatingIngestor ingestor, CancellationToken cancellationToken)
    {
        if (body.Ratings is null)
            return Problems.BadRequest("Invalid rating batch", "The body must be {\"ratings\":[{\"user\":…,\"item\":…,\"value\":…}]}.");

        var inputs = new RatingInput[body.Ratings.Count];
        var missing = new List<RatingRejection>();
        for (var i = 0; i < inputs.Length; i++)
        {
            var dto = body.Ratings[i];
            if (dto is null) missing.Add(new RatingRejection(i, "the entry is null"));
            else if (dto.Value is null) missing.Add(new RatingRejection(i, "value is missing"));
            else inputs[i] = new RatingInput(dto.User!, dto.Item!, dto.Value.Value, dto.Timestamp ?? 0);
        }
        if (missing.Count > 0) return Problems.InvalidRatings(missing);

        var result = await ingestor.IngestAsync(inputs, idempotencyKey, cancellationToken);
        if (!result.IsAccepted) return Problems.InvalidRatings(result.Rejections);
        return TypedResults.Accepted(default(string), new RatingsAccepted(result.Accepted, result.LastSequence, result.FirstSequence, result.Duplicate));
    }
}
