using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>
/// dtypes.safetensors, written from torch tensors by tools/fixtures/nn_safetensors_dtypes.py: Lepton reads every
/// dtype with the exact values torch recorded, rounds float32 to Float16/BFloat16 to the same bits torch did, and
/// writes the file back byte for byte.
/// </summary>
public class SafetensorsDTypeFixtureTests
{
    private static readonly JsonObject Json = Fixtures.Json("interop/dtypes.json");
    private static readonly SafetensorsContent File = SafetensorsReader.Read(Fixtures.PathOf("interop/dtypes.safetensors"));

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var (name, _) in Json["tensors"]!.AsObject()) d.Add(name);
        return d;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TorchWrittenTensor_ReadsWithItsDTypeShapeAndExactValues(string name)
    {
        var want = Json["tensors"]![name]!;
        var t = File.ToDictionary()[name];
        Assert.Equal(DTypeInfo.FromSafetensorsName(want["dtype"]!.GetValue<string>()), t.DType);
        Assert.Equal(want["shape"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray(), t.Shape.ToArray());
        var values = want["values"]!.AsArray();
        switch (t.DType)
        {
            case DType.Int64: Assert.Equal(values.Select(v => v!.GetValue<long>()), t.ToArray<long>()); break;
            case DType.Int32: Assert.Equal(values.Select(v => v!.GetValue<int>()), t.ToArray<int>()); break;
            case DType.Int8: Assert.Equal(values.Select(v => (sbyte)v!.GetValue<int>()), t.ToArray<sbyte>()); break;
            case DType.UInt8: Assert.Equal(values.Select(v => (byte)v!.GetValue<int>()), t.ToArray<byte>()); break;
            default: Assert.Equal(values.Select(v => v!.GetValue<double>()), t.ToDoubleArray()); break;
        }
        if (want["bits"] is JsonArray bits)
        {
            var got = t.DType == DType.Float16
                ? t.ToArray<Half>().Select(BitConverter.HalfToUInt16Bits)
                : t.ToArray<BFloat16>().Select(b => b.RawValue);
            Assert.Equal(bits.Select(b => (ushort)b!.GetValue<int>()), got);
        }
    }

    [Theory]
    [InlineData("f16", DType.Float16)]
    [InlineData("bf16", DType.BFloat16)]
    public void Float32ToHalfTypes_RoundToTheSameBitsAsTorch(string name, DType dtype)
    {
        var source = Json["source_f32"]!.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();
        var ours = Tensor.FromArray(source).To(dtype).ToBytes();
        Assert.Equal(File.ToDictionary()[name].ToBytes(), ours);
    }

    [Fact]
    public void LeptonWritesTorchsFileBackByteForByte() =>
        Assert.Equal(System.IO.File.ReadAllBytes(Fixtures.PathOf("interop/dtypes.safetensors")), SafetensorsWriter.ToBytes(File.Tensors));
}
