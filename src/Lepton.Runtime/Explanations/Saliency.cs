using Lepton.Engine;
using Lepton.NN;

namespace Lepton.Runtime.Explanations;

/// <summary>Gradient saliency (Simonyan et al. 2014): |∂score/∂x| of the preprocessed input, the largest over channels, per pixel.</summary>
public static class Saliency
{
    // input: (1,C,H,W), already preprocessed.
    public static ExplanationMap Compute(Module model, Tensor input, int cls)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (input.Rank != 4 || input.Shape[0] != 1)
            throw new ArgumentException($"Saliency expected one preprocessed image (1,C,H,W), got {input.Shape}.");
        var x = input.Detach().Contiguous().To(DType.Float32).RequireGrad();
        var y = model.Forward(x);
        if (y.Rank != 2 || cls < 0 || cls >= y.Shape[1])
            throw new ArgumentException($"Saliency: the network answered {y.Shape}; class {cls} is not one of its outputs.");
        var g = y.Slice(1, cls, cls + 1).Sum().Backward().Get(x).Contiguous().To(DType.Float32).ToArray();
        int channels = input.Shape[1], height = input.Shape[2], width = input.Shape[3], plane = height * width;
        var map = new float[plane];
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++) map[p] = Math.Max(map[p], Math.Abs(g[c * plane + p]));
        return ExplanationMap.Normalized("saliency", height, width, map);
    }
}
