namespace Lepton.Runtime.Explanations;

/// <summary>
/// Where a method says the evidence for a class lies: one non-negative value per input pixel (row-major, Height × Width),
/// scaled so the largest is 1 (all zeros when the method found nothing).
/// </summary>
public sealed record ExplanationMap(string Method, int Height, int Width, float[] Values)
{
    /// <summary>The share of the map's total mass inside the rectangle at (<paramref name="row"/>, <paramref name="col"/>) of the given size.</summary>
    public double MassInside(int row, int col, int height, int width)
    {
        double inside = 0, total = 0;
        for (int r = 0; r < Height; r++)
            for (int c = 0; c < Width; c++)
            {
                double v = Values[r * Width + c];
                total += v;
                if (r >= row && r < row + height && c >= col && c < col + width) inside += v;
            }
        return total == 0 ? 0 : inside / total;
    }

    /// <summary>
    /// The map averaged over square cells so neither side exceeds <paramref name="maxSide"/> (cells of ⌈max(H,W)/maxSide⌉ pixels;
    /// the last row and column of cells may be partial): a small grid to send over HTTP. Itself when already small enough.
    /// </summary>
    public ExplanationMap Coarse(int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        int cell = (Math.Max(Height, Width) + maxSide - 1) / maxSide;
        if (cell <= 1) return this;
        int h = (Height + cell - 1) / cell, w = (Width + cell - 1) / cell;
        var sums = new double[h * w];
        var counts = new int[h * w];
        for (int r = 0; r < Height; r++)
            for (int c = 0; c < Width; c++)
            {
                int i = r / cell * w + c / cell;
                sums[i] += Values[r * Width + c];
                counts[i]++;
            }
        var values = new float[h * w];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(sums[i] / counts[i]);
        return new ExplanationMap(Method, h, w, values);
    }

    /// <summary>A map from raw non-negative values, clamped at 0 and scaled to a maximum of 1.</summary>
    public static ExplanationMap Normalized(string method, int height, int width, float[] values)
    {
        if (values.Length != height * width)
            throw new ArgumentException($"ExplanationMap: {values.Length} values for {height}x{width} pixels.");
        float max = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]) || values[i] < 0) values[i] = 0;
            max = Math.Max(max, values[i]);
        }
        if (max > 0)
            for (int i = 0; i < values.Length; i++) values[i] /= max;
        return new ExplanationMap(method, height, width, values);
    }
}

/// <summary>Why a model decided: the explained class, the class probabilities, and each method's map (Grad-CAM only for networks with a conv layer).</summary>
public sealed record Explanation(int Class, string ClassName, IReadOnlyList<double> Probabilities, ExplanationMap? GradCam, ExplanationMap Saliency,
    ExplanationMap Occlusion, string? GradCamUnavailable = null);
