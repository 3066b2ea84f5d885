using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;
using Lepton.Data.Text;

namespace Lepton.Training.Workflows.Text;

/// <summary>
/// The labelled texts a run trains and tests on: the version's splits, with a stable-hash share
/// (<see cref="ImageTrainingData.HeldOutShare"/>) of the training texts standing in for a missing test split, as images do.
/// Validation texts are neither trained on nor tested.
/// </summary>
public static class TextTrainingSplits
{
    public static (List<(TextItem Item, string Text)> Train, List<(TextItem Item, string Text)> Test) Split(TextCorpus corpus, int seed)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var labelled = corpus.Texts().Where(x => x.Item.Labels.Count > 0).ToList();
        var train = labelled.Where(x => x.Item.Split is null or ImageSplits.Train).ToList();
        var test = labelled.Where(x => x.Item.Split == ImageSplits.Test).ToList();
        if (test.Count == 0)
        {
            // By a stable hash of the path, so the same texts are held out in every run and adding texts moves none.
            test = train.Where(x => StableHash.Unit(seed, "test", x.Item.Path) < ImageTrainingData.HeldOutShare).ToList();
            var held = test.Select(x => x.Item.Path).ToHashSet(StringComparer.Ordinal);
            train = train.Where(x => !held.Contains(x.Item.Path)).ToList();
        }
        return (train, test);
    }
}
