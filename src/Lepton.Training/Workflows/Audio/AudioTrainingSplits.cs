using Lepton.Data.Audio;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;

namespace Lepton.Training.Workflows.Audio;

/// <summary>
/// The labelled readable clips a keyword run trains, validates and tests on: the version's splits; without a test split a
/// stable-hash share (<see cref="ImageTrainingData.HeldOutShare"/>) of the speakers (of the clips, when none is named) is
/// held out, so the test never hears a voice the model trained on.
/// </summary>
public static class AudioTrainingSplits
{
    public static (List<AudioItem> Train, List<AudioItem> Validation, List<AudioItem> Test) Split(AudioManifest manifest, int seed)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var labelled = manifest.Items.Where(i => i.IsReadable && i.Label is not null).ToList();
        var train = labelled.Where(i => i.Split is null or ImageSplits.Train).ToList();
        var validation = labelled.Where(i => i.Split == ImageSplits.Validation).ToList();
        var test = labelled.Where(i => i.Split == ImageSplits.Test).ToList();
        if (test.Count == 0)
        {
            // By a stable hash of the speaker, so the same voices are held out in every run and adding clips moves none.
            static string Key(AudioItem i) => i.Group ?? i.Path;
            test = train.Where(i => StableHash.Unit(seed, "test", Key(i)) < ImageTrainingData.HeldOutShare).ToList();
            var held = test.Select(i => i.Path).ToHashSet(StringComparer.Ordinal);
            train = train.Where(i => !held.Contains(i.Path)).ToList();
        }
        return (train, validation, test);
    }
}
