using OnlineRec.Abstractions;
using OnlineRec.Core.Training;
using OnlineRec.Grains.Model;
using OnlineRec.Grains.Options;

namespace OnlineRec.Grains.Learning;

/// <summary>
/// The user's row of the rating model (biased MF, r̂ = μ + b_u + b_i + p_u·q_i), kept in <see cref="UserState"/>: taken
/// from a model version (or drawn, for a user the version lacks), and moved by the user half of each SGD step. The
/// item computes the error from the user's old row and its own, so this side only builds the request and applies
/// the answer.
/// </summary>
internal sealed class UserRatingFactors(string user, UserState state, ModelOptions options)
{
    private readonly SgdStepParameters _step = options.StepParameters();

    /// <summary>False until a version's row or the seeded draw is in place (or after k changed).</summary>
    public bool HasRow => state.Vector.Length == options.Factors;

    public void Adopt(InstalledModel model)
    {
        if (model.TryGetUserRow(user, out var bias, out var vector) && vector.Length == options.Factors)
        {
            state.Bias = bias;
            state.Vector = vector.ToArray();
            state.InModel = true;
        }
        else
        {
            state.Bias = 0;
            state.Vector = FactorInitializer.Create("user", user, options.Factors, options.InitialStd);
            state.InModel = false;
        }
    }

    /// <summary>
    /// The user's old row for the item. The vector goes without a copy: the request is [Immutable], the item reads it
    /// before it answers, and the vector changes only after the answer (<see cref="Apply"/>) or is given away
    /// (<see cref="GiveAwayVector"/>).
    /// </summary>
    public ItemStepRequest Request(long sequence, float value) => new(state.ModelVersion, sequence, value, state.Bias, state.Vector);

    /// <summary>The user half of an applied step, from the error and the item's old vector: bit-identical to <see cref="SgdKernel.Step"/>.</summary>
    public void Apply(ItemStepResult applied)
    {
        state.Bias = SgdKernel.StepBias(state.Bias, applied.Error, _step);
        SgdKernel.ApplyErrorOneSide(state.Vector, applied.OldItemVector, applied.Error, _step.LearningRate, _step.FactorRegularization);
        state.StepsApplied++;
    }

    /// <summary>
    /// Leaves the vector to a request whose answer never came: a timed-out call may still run on the item (on this
    /// silo it holds the same array), so later steps work on a copy.
    /// </summary>
    public void GiveAwayVector() => state.Vector = (float[])state.Vector.Clone();
}
