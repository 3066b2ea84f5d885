using Lepton.Engine;

namespace Lepton.Data.Formats;

/// <summary>A decoded image: 8-bit samples interleaved per pixel, row-major (H,W,C); C is 1 gray, 2 gray+alpha, 3 RGB or 4 RGBA.</summary>
public sealed record PngImage(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>The samples as a float32 (C,H,W) tensor with values in [0,255].</summary>
    public Tensor ToTensor()
    {
        var chw = new float[Pixels.Length];
        int plane = Width * Height;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < Channels; c++)
                chw[c * plane + p] = Pixels[p * Channels + c];
        return Tensor.FromArray(chw, Channels, Height, Width);
    }

    /// <summary>One gray channel (ITU-R 601 luma, as PIL's convert("L")); alpha is dropped.</summary>
    public PngImage ToGrayscale()
    {
        if (Channels == 1) return this;
        int plane = Width * Height;
        var gray = new byte[plane];
        for (int p = 0; p < plane; p++)
        {
            int o = p * Channels;
            gray[p] = Channels < 3
                ? Pixels[o]
                : (byte)((Pixels[o] * 299 + Pixels[o + 1] * 587 + Pixels[o + 2] * 114 + 500) / 1000);
        }
        return new PngImage(Width, Height, 1, gray);
    }

    /// <summary>An image from a (C,H,W) or (H,W) tensor of values in [0,255] (rounded and clamped).</summary>
    public static PngImage FromTensor(Tensor image)
    {
        var t = image.Rank == 2 ? image.Unsqueeze(0) : image;
        if (t.Rank != 3 || t.Shape[0] is < 1 or > 4)
            throw new ArgumentException($"PngImage.FromTensor expected (C,H,W) with C in 1..4 or (H,W), got {image.Shape}.");
        int c = t.Shape[0], h = t.Shape[1], w = t.Shape[2];
        var values = t.ToArray();
        var pixels = new byte[values.Length];
        int plane = h * w;
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < plane; p++)
                pixels[p * c + ch] = (byte)Math.Clamp(MathF.Round(values[ch * plane + p]), 0f, 255f);
        return new PngImage(w, h, c, pixels);
    }
}
