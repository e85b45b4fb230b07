using OnlineRec.Core.Model;

namespace OnlineRec.Grains.Model;

/// <summary>
/// A model version as installed on this silo. Version 0 means "no retrain yet": no factors, μ from options.
/// <see cref="SnapshotSequence"/> is the last log sequence the version was trained on; later ratings are replayed on top.
/// </summary>
public sealed record InstalledModel(int Version, long SnapshotSequence, float GlobalMean, MfModel? Model)
{
    /// <summary>The user's bias and vector in this version, if the version has the user.</summary>
    public bool TryGetUserRow(string user, out float bias, out ReadOnlySpan<float> vector) =>
        TryGetRow(Model?.Users, Model?.UserBias, Model?.UserFactors, user, out bias, out vector);

    public bool TryGetItemRow(string item, out float bias, out ReadOnlySpan<float> vector) =>
        TryGetRow(Model?.Items, Model?.ItemBias, Model?.ItemFactors, item, out bias, out vector);

    private bool TryGetRow(IdMap? ids, float[]? biases, float[]? factors, string id, out float bias, out ReadOnlySpan<float> vector)
    {
        bias = 0;
        vector = default;
        if (Model is null || ids is null || !ids.TryGetIndex(id, out var row) || row >= biases!.Length) return false;
        var k = Model.Factors;
        if ((row + 1) * k > factors!.Length) return false;
        bias = biases[row];
        vector = factors.AsSpan(row * k, k);
        return true;
    }
}
