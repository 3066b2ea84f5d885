using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

namespace Lepton.Training.Workflows;

/// <summary>Turns a <c>--model</c> argument into a model: a preset name, a model.json (fresh weights) or a model folder (its weights, to fine-tune).</summary>
public static class ModelSource
{
    /// <summary>A preset is built for inputs (N, <paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>) and <paramref name="classes"/> classes (default: Fashion-MNIST's).</summary>
    public static (Module Model, string Description) Resolve(string model, Generator rng, int channels = 1, int height = 28, int width = 28, int classes = 10)
    {
        if (ModelPresets.Names.Contains(model.ToLowerInvariant()))
            return (ModelPresets.Build(model, channels, height, width, classes, rng), $"preset '{model}'");
        if (Directory.Exists(model))
        {
            if (File.Exists(Path.Combine(model, ModelFile.WeightsFileName)))
                return (ModelFile.Load(model).Model, $"model folder {model} (fine-tuning its weights)");
            model = Path.Combine(model, ModelFile.SpecFileName);
        }
        if (File.Exists(model))
        {
            var spec = ModelSpec.FromJson(File.ReadAllText(model), model);
            if (spec.Graph is null && spec.Architecture.Count == 0)
                throw new InvalidDataException($"{model} has an empty 'architecture': list the layers (see docs/model-format.md).");
            return (spec.BuildModel(rng, model), $"architecture from {model}");
        }
        throw new ArgumentException(
            $"Model '{model}' is neither a preset ({string.Join(", ", ModelPresets.Names)}) nor an existing model.json or model folder.");
    }
}
