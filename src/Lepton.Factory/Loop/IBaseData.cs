using Lepton.Data;

namespace Lepton.Factory.Loop;

/// <summary>The base data a champion was trained on: train and test splits already preprocessed, and that preprocessing.</summary>
public sealed record BaseDataSplits(InMemoryDataset Train, InMemoryDataset Test, Preprocessing Preprocessing);

/// <summary>Where the loop gets the data the champion was trained on, so the challenger keeps what the champion knew.</summary>
public interface IBaseData
{
    /// <summary>The data set's name, e.g. fashion-mnist.</summary>
    string Name { get; }

    BaseDataSplits Load();
}

/// <summary>Fashion-MNIST from its IDX files (found as <see cref="FashionMnist.Load"/> finds them), loaded once.</summary>
public sealed class FashionMnistBaseData(string? dataDir) : IBaseData
{
    private BaseDataSplits? _loaded;

    public string Name => "fashion-mnist";

    public BaseDataSplits Load()
    {
        if (_loaded is null)
        {
            var (train, test, pre) = Training.Workflows.ImageClassifierTraining.LoadData(Name, dataDir);
            _loaded = new BaseDataSplits(train, test, pre);
        }
        return _loaded;
    }
}
