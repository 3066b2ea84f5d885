using Lepton.Engine;
using Lepton.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using Tensor = Lepton.Engine.Tensor;

namespace Lepton.Compression.Tests.Onnx;

/// <summary>Runs exported ONNX bytes in ONNX Runtime and compares with Lepton's own outputs.</summary>
internal static class OrtCheck
{
    /// <summary>ORT's outputs for float32 inputs (by name, in graph order).</summary>
    public static float[][] Run(byte[] model, params (string Name, Tensor Value)[] inputs)
    {
        using var options = OnnxRuntimeEnvironment.SessionOptions(1);
        using var session = new InferenceSession(model, options);
        var values = inputs.Select(i => i.Value.DType == DType.Int32
            ? OrtValue.CreateTensorValueFromMemory(i.Value.ToIntArray(), [.. i.Value.Shape.Dims.ToArray().Select(d => (long)d)])
            : OrtValue.CreateTensorValueFromMemory(i.Value.ToArray(), [.. i.Value.Shape.Dims.ToArray().Select(d => (long)d)])).ToArray();
        try
        {
            using var run = new RunOptions();
            using var results = session.Run(run, [.. inputs.Select(i => i.Name)], values, [.. session.OutputNames]);
            return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>The largest absolute difference; fails with the position when the lengths differ.</summary>
    public static double MaxAbsDiff(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        return max;
    }
}
