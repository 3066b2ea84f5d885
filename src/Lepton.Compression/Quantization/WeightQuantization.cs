namespace Lepton.Compression.Quantization;

/// <summary>Per-output-channel symmetric int8 weights: code = round(w / scale) in [-127, 127], scale = max |w| of the channel / 127.</summary>
public static class WeightQuantization
{
    /// <summary>Quantizes weights whose first dimension is the output channel (<paramref name="channels"/> rows of equal length).</summary>
    public static (sbyte[] Codes, float[] Scales) PerChannel(ReadOnlySpan<float> weights, int channels)
    {
        if (channels <= 0 || weights.Length % channels != 0)
            throw new ArgumentException($"WeightQuantization: {weights.Length} weights do not split into {channels} output channels.");
        int row = weights.Length / channels;
        var codes = new sbyte[weights.Length];
        var scales = new float[channels];
        for (int o = 0; o < channels; o++)
        {
            var w = weights.Slice(o * row, row);
            float max = 0f;
            foreach (var v in w)
            {
                if (!float.IsFinite(v)) throw new InvalidDataException($"WeightQuantization: output channel {o} holds {v}; the float model's weights must be finite.");
                max = MathF.Max(max, MathF.Abs(v));
            }
            // An all-zero channel keeps scale 1 and codes 0: the layer then outputs its bias there.
            float scale = max > 0 ? max / 127f : 1f;
            scales[o] = scale;
            for (int k = 0; k < row; k++)
                codes[o * row + k] = (sbyte)Math.Clamp((int)MathF.Round(w[k] / scale, MidpointRounding.ToEven), -127, 127);
        }
        return (codes, scales);
    }
}
