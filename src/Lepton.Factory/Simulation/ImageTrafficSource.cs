using System.Text;
using Lepton.Data;

namespace Lepton.Factory.Simulation;

/// <summary>Labelled images sent as raw pixels in JSON instances, optionally washed out or brightened by an <see cref="ImageDrift"/>.</summary>
public sealed class ImageTrafficSource : ITrafficSource
{
    private readonly float[] _pixels;
    private readonly int[] _labels;
    private readonly int _row;
    private readonly float _rawScale;

    /// <param name="source">Labelled images with int32 class ids.</param>
    /// <param name="rawScale">What turns the source's values into the raw pixels clients send: 255 for images scaled to [0,1]
    /// (as <see cref="FashionMnist.Load"/> gives them), 1 for raw pixels.</param>
    public ImageTrafficSource(InMemoryDataset source, float rawScale = 255f)
    {
        _rawScale = rawScale;
        _pixels = source.Inputs.Contiguous().ToArray();
        _labels = source.Targets.Contiguous().ToIntArray();
        _row = _pixels.Length / Math.Max(1, source.Count);
        ClassNames = source.ClassNames;
    }

    public IReadOnlyList<string> ClassNames { get; }

    public int Count => _labels.Length;

    public int Label(int example) => _labels[example];

    public string RequestBody(int example, ImageDrift drift)
    {
        var buffer = new float[_row];
        var pixels = _pixels.AsSpan(example * _row, _row);
        for (int j = 0; j < _row; j++) buffer[j] = pixels[j] * _rawScale;
        if (!drift.IsIdentity) drift.Apply(buffer, buffer);
        var body = new StringBuilder(_row * 4 + 20).Append("{\"instances\":[[");
        for (int j = 0; j < _row; j++)
        {
            if (j > 0) body.Append(',');
            body.Append((int)MathF.Round(buffer[j]));
        }
        return body.Append("]]}").ToString();
    }
}
