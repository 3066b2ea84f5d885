using System.Text.Json;
using Lepton.Engine;
using Tensor = Lepton.Engine.Tensor;

namespace Lepton.Compression.Tests.Onnx;

/// <summary>
/// Fixtures/onnx/torch_cnn.json (written by tools/fixtures/onnx_torch.py with Debian's PyTorch): a tiny CNN exported by
/// torch.onnx.export (opset 17, dynamic batch), seeded inputs and PyTorch's outputs for them.
/// </summary>
internal sealed class TorchOnnxFixture
{
    private TorchOnnxFixture(JsonElement root)
    {
        OnnxBytes = Convert.FromBase64String(root.GetProperty("onnx_base64").GetString()!);
        InputName = root.GetProperty("input_name").GetString()!;
        OutputName = root.GetProperty("output_name").GetString()!;
        Input = Tensor.FromArray(Floats(root, "input"), Ints(root, "input_shape"));
        Output = Floats(root, "output");
        OutputShape = Ints(root, "output_shape");
    }

    public byte[] OnnxBytes { get; }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>(5,1,8,8) seeded inputs.</summary>
    public Tensor Input { get; }

    /// <summary>PyTorch's (5,3) logits for <see cref="Input"/>, flattened.</summary>
    public float[] Output { get; }

    public int[] OutputShape { get; }

    public static TorchOnnxFixture Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", "torch_cnn.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new TorchOnnxFixture(doc.RootElement);
    }

    /// <summary>Writes the ONNX bytes to <paramref name="path"/> and returns it.</summary>
    public string WriteTo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, OnnxBytes);
        return path;
    }

    private static float[] Floats(JsonElement root, string name) => [.. root.GetProperty(name).EnumerateArray().Select(v => v.GetSingle())];

    private static int[] Ints(JsonElement root, string name) => [.. root.GetProperty(name).EnumerateArray().Select(v => v.GetInt32())];
}
