using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

namespace Lepton.Training.Workflows;

/// <summary>Turns a <c>--model</c> argument into a model: a preset name, a model.json (fresh weights) or a model folder (its weights, to fine-tune).</summary>
public static class ModelSource
{
    public static (Module Model, string Description) Resolve(string model, Generator rng)
    {
        if (ModelPresets.Names.Contains(model.ToLowerInvariant()))
            return (ModelPresets.Build(model, 1, 28, 28, 10, rng), $"preset '{model}'");
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
            $"Model '{model}' is neither a preset ({string.Join(", ", ModelPresets.Names)}, auto) nor an existing model.json or model folder.");
    }
}

/// <summary>What a preset is sized for: images of <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/>, the class count and the training examples.</summary>
public readonly record struct ImageDataShape(int Channels, int Height, int Width, int Classes, int Examples);
