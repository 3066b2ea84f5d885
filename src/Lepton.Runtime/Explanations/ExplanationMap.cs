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
