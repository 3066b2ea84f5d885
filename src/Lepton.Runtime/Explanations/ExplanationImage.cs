using Lepton.Data.Formats;

namespace Lepton.Runtime.Explanations;

/// <summary>
/// One PNG a person can read: the input, then each method's map laid over a gray copy of it (blue cold, red hot), side by
/// side, scaled up with whole pixels so small images stay legible.
/// </summary>
public static class ExplanationImage
{
    private const int Gap = 4, MinSide = 128;

    // raw: (C,H,W) values 0..255 of the input.
    public static byte[] Render(ReadOnlySpan<float> raw, int channels, int height, int width, Explanation explanation)
    {
        if (raw.Length != channels * height * width)
            throw new ArgumentException($"ExplanationImage: {raw.Length} values for a {channels}x{height}x{width} image.");
        var maps = new[] { explanation.GradCam, explanation.Saliency, explanation.Occlusion }.Where(m => m is not null).Select(m => m!).ToList();
        int scale = Math.Max(1, (int)Math.Ceiling((double)MinSide / Math.Max(height, width)));
        int ph = height * scale, pw = width * scale, panels = 1 + maps.Count;
        int w = panels * pw + (panels - 1) * Gap;
        var rgb = new byte[w * ph * 3];
        Array.Fill(rgb, (byte)255);
        var gray = new float[height * width];
        int plane = height * width;
        for (int p = 0; p < plane; p++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += raw[c * plane + p];
            gray[p] = Math.Clamp(sum / channels, 0, 255);
        }
        for (int panel = 0; panel < panels; panel++)
        {
            int left = panel * (pw + Gap);
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++)
                {
                    int p = y / scale * width + x / scale;
                    int o = (y * w + left + x) * 3;
                    if (panel == 0)
                    {
                        for (int c = 0; c < 3; c++) rgb[o + c] = (byte)Math.Clamp(MathF.Round(channels == 3 ? raw[c * plane + p] : gray[p]), 0, 255);
                        continue;
                    }
                    var (r, g, b) = Heat(maps[panel - 1].Values[p]);
                    float shade = gray[p] * 0.45f;
                    rgb[o] = (byte)Math.Clamp(shade + r * 0.55f, 0, 255);
                    rgb[o + 1] = (byte)Math.Clamp(shade + g * 0.55f, 0, 255);
                    rgb[o + 2] = (byte)Math.Clamp(shade + b * 0.55f, 0, 255);
                }
        }
        return PngEncoder.Encode(new PngImage(w, ph, 3, rgb));
    }

    // A jet-like ramp: 0 blue, 0.5 green-yellow, 1 red.
    private static (float R, float G, float B) Heat(float v)
    {
        static float Ramp(float t) => Math.Clamp(1.5f - Math.Abs(t), 0, 1) * 255;
        return (Ramp(4 * v - 3), Ramp(4 * v - 2), Ramp(4 * v - 1));
    }
}
