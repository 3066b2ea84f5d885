using Lepton.Data.Images.Datasets;

namespace Lepton.Registry.Labeling;

/// <summary>
/// A model's class probabilities for a data set item's pixels, so unlabelled items can be ranked by uncertainty. Implemented
/// above the registry (over a served or loaded predictor); labeling itself never runs a model.
/// </summary>
public interface IItemScorer
{
    /// <summary>The model's class names, in output order.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Probabilities for one image's pixels (H,W,C bytes of the data set's layout).</summary>
    float[] Score(ImageItem item, ReadOnlySpan<byte> hwc);
}
