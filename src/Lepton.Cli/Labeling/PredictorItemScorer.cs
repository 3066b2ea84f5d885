using Lepton.Data.Formats;
using Lepton.Data.Images;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;
using Lepton.Registry.Labeling;
using Lepton.Runtime;

namespace Lepton.Cli.Labeling;

/// <summary>
/// Ranks a data set's unlabelled items by a classifier's uncertainty: each item's stored pixels go through the model's own
/// image conversion and preprocessing, as <c>lepton predict</c> does with a file, and come back as softmax probabilities.
/// </summary>
internal sealed class PredictorItemScorer : IItemScorer
{
    private readonly IPredictor _predictor;
    private readonly ImagePixels _layout;
    private readonly Shape _example;
    private readonly ResizePolicy _policy;

    public PredictorItemScorer(IPredictor predictor, ImagePixels layout)
    {
        _predictor = predictor;
        _layout = layout;
        if (!predictor.Signature.IsClassifier)
            throw new ArgumentException("--model must be a classifier (its class probabilities rank the queue); this one answers " + predictor.Signature.Kind + ".");
        _example = predictor.ExampleShape();
        if (_example.Rank != 3) throw new ArgumentException($"--model must take images (C,H,W); this one takes {_example}.");
        // The stored pixels are already the data set's size; a model of another size resizes them (stretch, unless it says otherwise).
        _policy = predictor.Signature.Inputs[0].Image ?? ResizePolicy.Stretch;
    }

    public IReadOnlyList<string> Classes => _predictor.Signature.ClassNames;

    public float[] Score(ImageItem item, ReadOnlySpan<byte> hwc)
    {
        var image = new PngImage(_layout.Width, _layout.Height, _layout.Channels, hwc.ToArray());
        var chw = ImageToTensor.Convert(image, _example.Dims[0], _example.Dims[1], _example.Dims[2], _policy, item.Path);
        var logits = _predictor.Logits(chw.Reshape(1, _example.Dims[0], _example.Dims[1], _example.Dims[2])).Contiguous().ToArray();
        return Softmax(logits);
    }

    private static float[] Softmax(float[] logits)
    {
        float max = logits.Max();
        var p = new float[logits.Length];
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += p[i] = MathF.Exp(logits[i] - max);
        for (int i = 0; i < p.Length; i++) p[i] = (float)(p[i] / sum);
        return p;
    }
}
