using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.Engine.Memory;
using Lepton.Engine.Threading;
using Lepton.NN;

namespace Lepton.Runtime;

/// <summary>Batched forward passes in eval mode with no autograd graph.</summary>
public static class Inference
{
    /// <summary>
    /// model(x) for x (N, ...), <paramref name="batchSize"/> rows at a time; the model's train/eval mode is restored.
    /// Activations come from <paramref name="pool"/> (default <see cref="TensorPool.Shared"/>); only the result is a new tensor.
    /// </summary>
    public static Tensor Forward(Module model, Tensor x, int batchSize = 256, TensorPool? pool = null)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}.");
        pool ??= TensorPool.Shared;
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            int n = x.Shape[0];
            CpuParallel.Prewake();
            // Outputs go straight into one result tensor: no list of parts and no final concatenation.
            Tensor? result = null;
            int rowSize = 0;
            for (int start = 0; start < n || start == 0; start += batchSize) // an empty batch still runs once, for its output shape
            {
                using var scope = pool.BeginScope();
                var rows = n <= batchSize ? x : x.Slice(0, start, Math.Min(n, start + batchSize));
                var output = model.Forward(rows.Contiguous()).Contiguous();
                if (result is null)
                {
                    var dims = output.Shape.ToArray();
                    dims[0] = n;
                    using (TensorScope.Suspend()) result = Tensor.Empty(new Shape(dims), output.DType);
                    rowSize = output.Numel / Math.Max(output.Shape[0], 1);
                }
                CopyInto(output, result, start * rowSize);
            }
            return result!;
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    private static void CopyInto(Tensor src, Tensor dst, int offset)
    {
        switch (src.DType)
        {
            case DType.Float32: src.Span<float>().CopyTo(dst.Span<float>()[offset..]); break;
            case DType.Float64: src.Span<double>().CopyTo(dst.Span<double>()[offset..]); break;
            default: src.Span<int>().CopyTo(dst.Span<int>()[offset..]); break;
        }
    }

    /// <summary>
    /// Every output of a model with several inputs (each (N, ...), in the model's order), <paramref name="batchSize"/> rows at a
    /// time, without autograd; the model's train/eval mode is restored.
    /// </summary>
    public static Tensor[] ForwardMany(Module model, IReadOnlyList<Tensor> inputs, int batchSize = 256)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}.");
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = new NoGrad();
            int n = inputs[0].Shape[0];
            if (n <= batchSize) return [.. model.ForwardMany([.. inputs.Select(t => t.Contiguous())]).Select(t => t.Contiguous())];
            var parts = new List<IReadOnlyList<Tensor>>();
            for (int start = 0; start < n; start += batchSize)
            {
                int end = Math.Min(n, start + batchSize);
                parts.Add([.. model.ForwardMany([.. inputs.Select(t => t.Slice(0, start, end).Contiguous())]).Select(t => t.Contiguous())]);
            }
            return [.. Enumerable.Range(0, parts[0].Count).Select(k => Tensor.Concat([.. parts.Select(p => p[k])], 0))];
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
