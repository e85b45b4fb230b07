using System.Runtime.InteropServices;
using OnlineRec.Core.Model;

namespace OnlineRec.Storage.Models;

/// <summary>Versioned little-endian binary form of an <see cref="MfModel"/>: header, id maps, μ, biases, factors.</summary>
public static class MfModelCodec
{
    private const int Magic = 0x4F524D46; // "FMRO"
    private const int FormatVersion = 1;

    public static byte[] Encode(MfModel model)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(model.Factors);
            writer.Write(model.GlobalMean);
            WriteRows(writer, model.Users, model.UserCount, model.UserBias, model.UserFactors, model.Factors);
            WriteRows(writer, model.Items, model.ItemCount, model.ItemBias, model.ItemFactors, model.Factors);
        }
        return stream.ToArray();
    }

    public static MfModel Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        if (reader.ReadInt32() != Magic) throw new InvalidDataException("Not an OnlineRec model blob.");
        var format = reader.ReadInt32();
        if (format != FormatVersion) throw new InvalidDataException($"Model blob format {format} is not supported (expected {FormatVersion}).");
        var factors = reader.ReadInt32();
        var mean = reader.ReadSingle();
        var (users, userBias, userFactors) = ReadRows(reader, factors);
        var (items, itemBias, itemFactors) = ReadRows(reader, factors);
        var model = new MfModel(factors, users, items, mean);
        userBias.CopyTo(model.UserBias, 0);
        userFactors.CopyTo(model.UserFactors, 0);
        itemBias.CopyTo(model.ItemBias, 0);
        itemFactors.CopyTo(model.ItemFactors, 0);
        return model;
    }

    private static void WriteRows(BinaryWriter writer, IdMap ids, int count, float[] bias, float[] factors, int k)
    {
        writer.Write(count);
        for (var i = 0; i < count; i++) writer.Write(ids[i]);
        writer.Write(MemoryMarshal.AsBytes(bias.AsSpan(0, count)));
        writer.Write(MemoryMarshal.AsBytes(factors.AsSpan(0, count * k)));
    }

    private static (IdMap, float[], float[]) ReadRows(BinaryReader reader, int k)
    {
        var count = reader.ReadInt32();
        var ids = new IdMap(count);
        for (var i = 0; i < count; i++) ids.GetOrAdd(reader.ReadString());
        var bias = new float[count];
        var factors = new float[count * k];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(bias.AsSpan()));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(factors.AsSpan()));
        return (ids, bias, factors);
    }
}
