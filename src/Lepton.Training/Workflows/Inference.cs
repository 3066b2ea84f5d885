using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;

namespace Lepton.Training.Workflows;

/// <summary>Batched forward passes in eval mode with no autograd graph.</summary>
public static class Inference
{
    /// <summary>model(x) for x (N, ...), <paramref name="batchSize"/> rows at a time; the model's train/eval mode is restored.</summary>
    public static Tensor Forward(Module model, Tensor x, int batchSize = 256)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}.");
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            int n = x.Shape[0];
            var parts = new List<Tensor>();
            for (int s = 0; s < n; s += batchSize)
                parts.Add(model.Forward(x.Slice(0, s, Math.Min(n, s + batchSize)).Contiguous()).Contiguous());
            return parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
