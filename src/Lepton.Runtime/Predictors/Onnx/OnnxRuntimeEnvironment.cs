using Microsoft.ML.OnnxRuntime;

namespace Lepton.Runtime.Onnx;

/// <summary>The process's one ONNX Runtime environment, created with telemetry off before any session.</summary>
public static class OnnxRuntimeEnvironment
{
    private static readonly Lazy<OrtEnv> Env = new(() =>
    {
        var env = OrtEnv.Instance();
        // Lepton never sends usage data anywhere; ORT's own telemetry (Windows ETW) stays off too.
        env.DisableTelemetryEvents();
        return env;
    });

    /// <summary>Makes sure the environment exists with telemetry disabled; call before creating a session.</summary>
    public static void Ensure() => _ = Env.Value;

    /// <summary>Session options for inference: <paramref name="intraOpThreads"/> threads inside an op (0: ORT's default), ops run one after another.</summary>
    public static SessionOptions SessionOptions(int intraOpThreads)
    {
        if (intraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(intraOpThreads), $"intra-op threads must be >= 0 (0: ONNX Runtime's default), got {intraOpThreads}.");
        Ensure();
        return new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
    }
}
