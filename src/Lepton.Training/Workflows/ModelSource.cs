using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;

namespace Lepton.Training.Workflows;

/// <summary>Turns a <c>--model</c> argument into a model: a preset name, a model.json (fresh weights) or a model folder (its weights, to fine-tune).</summary>
public static class ModelSource
{
    /// <summary>
    /// Builds the model; presets are sized for <paramref name="data"/> when given (an image data set: channels, size,
    /// classes and examples, which <c>auto</c> chooses by), else for 28x28 gray images with 10 classes.
    /// </summary>
    public static (Module Model, string Description) Resolve(string model, Generator rng, ImageDataShape? data = null)
    {
        var d = data ?? new ImageDataShape(1, 28, 28, 10, 60_000);
        bool auto = string.Equals(model, "auto", StringComparison.OrdinalIgnoreCase);
        if (auto || ModelPresets.Names.Contains(model.ToLowerInvariant()))
        {
            string name = auto ? ModelPresets.Auto(d.Examples, d.Height, d.Width) : model.ToLowerInvariant();
            return (ModelPresets.Build(name, d.Channels, d.Height, d.Width, d.Classes, rng),
                $"preset '{name}'{(auto ? " (auto)" : "")} for {d.Channels}x{d.Height}x{d.Width} images, {d.Classes} classes");
        }
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
