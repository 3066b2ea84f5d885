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

    /// <summary>The base data a policy names; only fashion-mnist is built in (pass another <see cref="IBaseData"/> for others).</summary>
    public static IBaseData For(LoopPolicy policy) =>
        string.Equals(policy.BaseData, "fashion-mnist", StringComparison.OrdinalIgnoreCase)
            ? new FashionMnistBaseData(policy.DataDir)
            : throw new ArgumentException($"Unknown base data set '{policy.BaseData}'. Supported: fashion-mnist.");
}
