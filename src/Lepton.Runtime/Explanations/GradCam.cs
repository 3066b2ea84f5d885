using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Graph;
using Lepton.NN.Layers;

namespace Lepton.Runtime.Explanations;

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017) on a chain of layers (a <see cref="Sequential"/>, or a graph that is one chain): the
/// activations A of the last conv layer (after the shape-keeping layers right behind it, e.g. its ReLU or batch norm), the
/// gradient of the class score with respect to them from the engine's autograd, channel weights αₖ = mean over positions of
/// ∂score/∂Aₖ, and ReLU(Σₖ αₖ Aₖ) upsampled bilinearly to the input's size. A branching graph (ResNet, MobileNet) cannot be split
/// in two, so there A is its last conv layer's output, found in the recorded autograd graph and kept with RetainGrad.
/// </summary>
public static class GradCam
{
    /// <summary>The map, or null with the reason when the network has no conv layer Grad-CAM can use.</summary>
    // input: (1,C,H,W), already preprocessed.
    public static (ExplanationMap? Map, string? Reason) Compute(Module model, Tensor input, int cls)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (input.Rank != 4 || input.Shape[0] != 1)
            throw new ArgumentException($"GradCam expected one preprocessed image (1,C,H,W), got {input.Shape}.");
        var layers = new List<Module>();
        if (model is GraphModel graph)
        {
            // A branching graph (residual blocks) cannot be split in two; its conv output is found in the recorded graph instead.
            if (!graph.TryFlattenChain(layers, out _)) return AtConvOutput(model, input, cls);
        }
        else layers.AddRange(Leaves(model));
        int last = layers.FindLastIndex(m => m is Conv2d);
        if (last < 0) return (null, NoConv);

        // The head runs without a graph; its output becomes the leaf whose gradient Grad-CAM weighs.
        Tensor a;
        int split;
        using (new NoGrad())
        {
            a = input;
            for (int i = 0; i <= last; i++) a = layers[i].Forward(a);
            split = last + 1;
            // Layers that keep the activation's shape (ReLU, batch norm, dropout in eval) belong to the conv block.
            while (split < layers.Count && layers[split] is not Conv2d)
            {
                var next = layers[split].Forward(a);
                if (next.Shape != a.Shape) break;
                a = next;
                split++;
            }
        }
        var activations = a.Detach().Contiguous().RequireGrad();
        var y = activations;
        for (int i = split; i < layers.Count; i++) y = layers[i].Forward(y);
        if (y.Rank != 2 || y.Shape[0] != 1 || cls < 0 || cls >= y.Shape[1])
            throw new ArgumentException($"GradCam: the network answered {y.Shape}; class {cls} is not one of its outputs.");
        var grads = y.Slice(1, cls, cls + 1).Sum().Backward();
        return (Map(activations, grads.Get(activations), input.Shape[2], input.Shape[3]), null);
    }

    /// <summary>
    /// Grad-CAM at the output of the network's last <see cref="Conv2d"/> by data flow (the conv output nearest the logits in the
    /// autograd graph of one recorded forward pass), its gradient kept with <see cref="Tensor.RetainGrad"/>: for networks that branch.
    /// </summary>
    internal static (ExplanationMap? Map, string? Reason) AtConvOutput(Module model, Tensor input, int cls)
    {
        var weights = new HashSet<Tensor>(Descendants(model).OfType<Conv2d>().Select(c => (Tensor)c.Weight), ReferenceEqualityComparer.Instance);
        if (weights.Count == 0) return (null, NoConv);
        if (!weights.Any(w => w.RequiresGrad))
            return (null, "the conv layers' weights are frozen, so no gradient is recorded through them (saliency and occlusion still apply).");
        var y = model.Forward(input.Detach().Contiguous().To(DType.Float32));
        if (y.Rank != 2 || y.Shape[0] != 1 || cls < 0 || cls >= y.Shape[1])
            throw new ArgumentException($"GradCam: the network answered {y.Shape}; class {cls} is not one of its outputs.");
        var activations = OutputOf(y, weights);
        if (activations is null || activations.Rank != 4 || !activations.RequiresGrad)
            return (null, "the last conv layer's output is not a spatial map in the recorded graph (saliency and occlusion still apply).");
        activations.RetainGrad();
        var grads = y.Slice(1, cls, cls + 1).Sum().Backward();
        return grads[activations] is { } g
            ? (Map(activations, g, input.Shape[2], input.Shape[3]), null)
            : (null, "the class score does not depend on the last conv layer's output (saliency and occlusion still apply).");
    }

    private const string NoConv = "the network has no Conv2d layer, so there is no spatial activation map for Grad-CAM (saliency and occlusion still apply).";

    // The tensor nearest the output (breadth first) whose op took one of the conv weights: the last conv layer's output.
    private static Tensor? OutputOf(Tensor output, HashSet<Tensor> weights)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<Tensor>([output]);
        while (queue.TryDequeue(out var t))
        {
            if (t.Node is null || !seen.Add(t)) continue;
            foreach (var x in t.Node.Inputs)
            {
                if (weights.Contains(x)) return t;
                queue.Enqueue(x);
            }
        }
        return null;
    }

    // activations, gradients: (1,C,h,w) → the (height,width) map ReLU(Σₖ αₖ Aₖ), αₖ the mean gradient of channel k.
    private static ExplanationMap Map(Tensor activations, Tensor gradients, int height, int width)
    {
        var g = gradients.Contiguous().To(DType.Float32).ToArray();
        var av = activations.Detach().Contiguous().To(DType.Float32).ToArray();
        int channels = activations.Shape[1], h = activations.Shape[2], w = activations.Shape[3], plane = h * w;
        var cam = new float[plane];
        for (int k = 0; k < channels; k++)
        {
            double alpha = 0;
            for (int p = 0; p < plane; p++) alpha += g[k * plane + p];
            alpha /= plane;
            for (int p = 0; p < plane; p++) cam[p] += (float)(alpha * av[k * plane + p]);
        }
        for (int p = 0; p < plane; p++) cam[p] = Math.Max(0, cam[p]);
        return ExplanationMap.Normalized("grad-cam", height, width, Upsample(cam, h, w, height, width));
    }

    internal static IEnumerable<Module> Leaves(Module m) => m is Sequential s ? s.Layers.SelectMany(Leaves) : [m];

    // Every module below <paramref name="m"/>, depth first in registration order (a graph registers its nodes in order).
    private static IEnumerable<Module> Descendants(Module m) => m.Children().SelectMany(c => (IEnumerable<Module>)[c, .. Descendants(c)]);

    /// <summary>Bilinear resize of a (h,w) map to (height,width), pixel centres aligned (align_corners=False).</summary>
    internal static float[] Upsample(float[] map, int h, int w, int height, int width)
    {
        if (h == height && w == width) return (float[])map.Clone();
        var result = new float[height * width];
        for (int r = 0; r < height; r++)
        {
            double sy = Math.Clamp((r + 0.5) * h / height - 0.5, 0, h - 1);
            int y0 = (int)Math.Floor(sy), y1 = Math.Min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int c = 0; c < width; c++)
            {
                double sx = Math.Clamp((c + 0.5) * w / width - 0.5, 0, w - 1);
                int x0 = (int)Math.Floor(sx), x1 = Math.Min(x0 + 1, w - 1);
                double fx = sx - x0;
                double top = map[y0 * w + x0] * (1 - fx) + map[y0 * w + x1] * fx;
                double bottom = map[y1 * w + x0] * (1 - fx) + map[y1 * w + x1] * fx;
                result[r * width + c] = (float)(top * (1 - fy) + bottom * fy);
            }
        }
        return result;
    }
}
