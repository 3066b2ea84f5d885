using Lepton.NN.Serialization;

namespace Lepton.Compression.Lora;

/// <summary>A base model folder with an adapter folder applied: checked to be the adapter's base, then attached (or merged).</summary>
public static class LoraModel
{
    /// <summary>
    /// Loads <paramref name="baseFolder"/> and attaches the adapter in <paramref name="adapterFolder"/>; refuses a base whose
    /// weights are not the ones the adapter was trained on. With <paramref name="merge"/> the adapter is folded into the weights.
    /// </summary>
    public static (LoadedModel Model, LoraAdapters Adapters) Load(string baseFolder, string adapterFolder, bool merge = false)
    {
        var (info, weights) = LoraAdapterFile.Read(adapterFolder);
        string hash = LoraAdapterFile.BaseWeightsHash(baseFolder);
        if (!string.Equals(hash, info.BaseWeightsSha256, StringComparison.Ordinal))
            throw new InvalidDataException(
                $"The adapter in {adapterFolder} was trained on base weights {info.BaseWeightsSha256[..12]}… ({info.BaseModel ?? "unnamed"}), but {baseFolder} holds {hash[..12]}…; apply it to its own base model.");
        var loaded = ModelFile.Load(baseFolder);
        var adapters = LoraAdapters.Attach(loaded.Model, info, weights);
        if (merge) adapters.Merge();
        return (loaded, adapters);
    }
}
