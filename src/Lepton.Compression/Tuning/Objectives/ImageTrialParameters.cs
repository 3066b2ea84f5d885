using System.Globalization;
using Lepton.Compression.Tuning.Space;
using Lepton.Training.Workflows;

namespace Lepton.Compression.Tuning.Objectives;

/// <summary>
/// The parameters an image trial understands and how each changes the training recipe: <c>lr</c>, <c>batch_size</c>,
/// <c>optimizer</c>, <c>weight_decay</c>, <c>momentum</c>, <c>schedule</c>, <c>augment</c> (a strength in [0, 1] scaling
/// flip, rotation, zoom, brightness and contrast together, or a categorical list of <c>--augment</c> texts), and for the
/// <c>cnn</c> presets <c>width</c> (channel multiplier) and <c>depth</c> (convolution blocks).
/// </summary>
public static class ImageTrialParameters
{
    public static IReadOnlyList<string> Names { get; } = ["lr", "batch_size", "optimizer", "weight_decay", "momentum", "schedule", "augment", "width", "depth"];

    /// <summary>Throws naming the parameter and the known ones when the space holds one this objective cannot apply.</summary>
    public static void Check(SearchSpace space, string model)
    {
        foreach (var p in space.Parameters)
        {
            if (!Names.Contains(p.Name))
                throw new ArgumentException($"Search parameter '{p.Name}' is not one an image trial sets; use {string.Join(", ", Names)}.");
            if (p.Name is "optimizer" or "schedule" && p.Kind != ParameterKind.Categorical)
                throw new ArgumentException($"Search parameter '{p.Name}' takes names; give choices, e.g. {p.Name}: [{string.Join(", ", p.Name == "optimizer" ? OptimizerFactory.OptimizerNames : OptimizerFactory.ScheduleNames)}].");
            var bad = p.Name switch
            {
                "optimizer" => p.Choices!.FirstOrDefault(c => !OptimizerFactory.OptimizerNames.Contains(c)),
                "schedule" => p.Choices!.FirstOrDefault(c => !OptimizerFactory.ScheduleNames.Contains(c)),
                _ => null,
            };
            if (bad is not null) throw new ArgumentException($"Search parameter '{p.Name}': '{bad}' is not one of {string.Join(", ", p.Name == "optimizer" ? OptimizerFactory.OptimizerNames : OptimizerFactory.ScheduleNames)}.");
            if (p.Name is "width" or "depth" && !PresetArchitecture.Supports(model))
                throw new ArgumentException($"Search parameter '{p.Name}' resizes the {string.Join(" and ", PresetArchitecture.Presets)} presets; --model {model} is not one of them.");
        }
    }

    /// <summary>The recipe of one trial: <paramref name="baseRecipe"/> with the trial's values put in.</summary>
    public static ImageClassifierRecipe Apply(ImageClassifierRecipe baseRecipe, SearchSpace space, IReadOnlyDictionary<string, double> values)
    {
        var r = baseRecipe;
        foreach (var p in space.Parameters)
        {
            double v = values[p.Name];
            string text = p.Format(v);
            r = p.Name switch
            {
                "lr" => r with { LearningRate = Number(p, v, text) },
                "batch_size" => r with { BatchSize = (int)Math.Round(Number(p, v, text)) },
                "optimizer" => r with { Optimizer = text },
                "weight_decay" => r with { WeightDecay = Number(p, v, text) },
                "momentum" => r with { Momentum = Number(p, v, text) },
                "schedule" => r with { Schedule = text },
                "augment" => r with { Augment = p.Kind == ParameterKind.Categorical ? (text is "none" or "" ? null : text) : AugmentOfStrength(v) },
                _ => r, // width and depth change the architecture, not the recipe
            };
        }
        return r;
    }

    /// <summary>The <c>--augment</c> text of a strength in [0, 1]: 1 is flip, 15° rotation, 0.2 zoom, brightness and contrast; below 0.05 none.</summary>
    public static string? AugmentOfStrength(double s)
    {
        if (s < 0.05) return null;
        s = Math.Min(1, s);
        string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
        return $"flip,rotate={F(15 * s)},zoom={F(0.2 * s)},brightness={F(0.2 * s)},contrast={F(0.2 * s)}";
    }

    /// <summary>A numeric value: the number itself, or a categorical choice's text read as a number (batch_size: [32, 64]).</summary>
    internal static double Number(SearchParameter p, double v, string text)
    {
        if (p.IsNumeric) return v;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double n)
            ? n
            : throw new ArgumentException($"Search parameter '{p.Name}' needs numbers, got choice '{text}'.");
    }
}
