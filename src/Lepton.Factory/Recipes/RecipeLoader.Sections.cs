using Lepton.Factory.Recipes.Schema;
using Lepton.Data.Images.Augmentation;
using Lepton.NN.Presets;
using YamlDotNet.RepresentationModel;

namespace Lepton.Factory.Recipes;

/// <summary>The readers of the data, model, training and gates sections.</summary>
public static partial class RecipeLoader
{
    internal static IReadOnlyList<string> DataKeys { get; } = ["source", "dir", "name", "size", .. TableDataKeys];

    internal static IReadOnlyList<string> ModelKeys { get; } = ["preset", "file"];

    internal static IReadOnlyList<string> TrainingKeys { get; } =
        ["epochs", "batch_size", "learning_rate", "optimizer", "weight_decay", "momentum", "schedule", "clip_grad_norm", "validation_split", "seed", "augment",
         "label_smoothing", "validation_freq", .. TableTrainingKeys];

    internal static IReadOnlyList<string> GateKeys { get; } =
        ["min_accuracy", "max_class_recall_drop", "margin", "max_rmse", "groups", "favorable", "min_selection_ratio", "max_opportunity_difference"];

    private static RecipeData ReadData(YamlSection? s, string baseDirectory)
    {
        if (s is null) return new RecipeData();
        string source = s.Choice("source", "fashion-mnist", RecipeData.Sources);
        string? dir = s.String("dir");
        string? name = s.String("name"), size = s.String("size");
        if (source == RecipeData.Tables) return ReadTableData(s, baseDirectory, name);
        foreach (var key in TableDataKeys.Where(s.Has))
            s.Errors.Add(s.Value(key) ?? s.Node, $"'data.{key}' applies to 'source: table' only.");
        if (source == RecipeData.Images)
        {
            if (dir is null)
                s.Errors.Add(s.Node, "'data.source' is images but 'data.dir' is missing; give the folder of images (class subfolders or train/validation/test), relative to the recipe.");
            else if (!Directory.Exists(Resolve(dir, baseDirectory)) && !File.Exists(Resolve(dir, baseDirectory)))
                s.Errors.Add(s.Value("dir")!, $"'data.dir' is '{dir}', but there is no folder or manifest at {Resolve(dir, baseDirectory)}.");
            if (name is not null && Lepton.Registry.References.ModelName.Check(name, "data set name") is { } problem)
                s.Errors.Add(s.Value("name")!, $"'data.name': {problem}");
            if (size is not null)
            {
                try { Lepton.Data.Images.Import.ImageImportOptions.ParseSize(size); }
                catch (ArgumentException ex) { s.Errors.Add(s.Value("size")!, $"'data.size': {ex.Message}"); }
            }
        }
        else if (name is not null || size is not null)
            s.Errors.Add(s.Value(name is not null ? "name" : "size")!, "'data.name' and 'data.size' apply to 'source: images' only.");
        return new RecipeData(source, dir is null ? null : Resolve(dir, baseDirectory), name, size);
    }

    private static RecipeModel ReadModel(YamlSection? s, string baseDirectory)
    {
        if (s is null) return new RecipeModel();
        string? file = s.String("file");
        if (file is not null && s.Has("preset"))
        {
            s.Errors.Add(s.Node, "'model' gives both 'preset' and 'file'; keep one.");
            return new RecipeModel();
        }
        if (file is null) return new RecipeModel(s.Choice("preset", "cnn", [.. ModelPresets.Names, "auto"]));
        string full = Resolve(file, baseDirectory);
        if (!File.Exists(full))
            s.Errors.Add(s.Value("file")!, $"'model.file' is '{file}', but there is no file at {full}; give the path of a model.json (relative to the recipe) or use 'preset: cnn'.");
        return new RecipeModel(null, full);
    }

    private static RecipeTraining ReadTraining(YamlSection? s)
    {
        var d = new RecipeTraining();
        if (s is null) return d;
        foreach (var key in TableTrainingKeys.Where(s.Has))
            s.Errors.Add(s.Value(key) ?? s.Node, $"'training.{key}' applies to table recipes (data.source: table) only.");
        return new RecipeTraining(
            Epochs: s.Int("epochs", d.Epochs, 1, 100_000),
            BatchSize: s.Int("batch_size", d.BatchSize, 1, 1 << 20),
            LearningRate: s.Double("learning_rate", 0, 10, minExclusive: true) ?? d.LearningRate,
            Optimizer: s.Choice("optimizer", d.Optimizer, RecipeTraining.Optimizers),
            WeightDecay: s.Double("weight_decay", 0, 1) ?? d.WeightDecay,
            Momentum: s.Double("momentum", 0, 1) ?? d.Momentum,
            Schedule: s.Choice("schedule", d.Schedule, RecipeTraining.Schedules),
            ClipGradNorm: s.Double("clip_grad_norm", 0, double.MaxValue, minExclusive: true),
            ValidationSplit: ReadValidationSplit(s) ?? d.ValidationSplit,
            Seed: s.ULong("seed", d.Seed),
            Augment: ReadAugment(s),
            LabelSmoothing: s.Double("label_smoothing", 0, 0.99) ?? d.LabelSmoothing,
            ValidationFrequency: s.Int("validation_freq", d.ValidationFrequency, 1, 100_000));
    }

    // Either the command line's text (augment: "flip,rotate=15") or a mapping of the same terms (augment: {flip: true, rotate: 15}).
    private static AugmentationSpec? ReadAugment(YamlSection s)
    {
        if (s.Value("augment") is not { } node) return null;
        try
        {
            return node switch
            {
                YamlScalarNode scalar => AugmentationSpec.Parse(scalar.Value ?? ""),
                YamlMappingNode map => AugmentationSpec.FromTerms(map.Children.Select(c => new KeyValuePair<string, string?>(
                    (c.Key as YamlScalarNode)?.Value ?? "",
                    c.Value is YamlScalarNode v ? v.Value : throw new FormatException($"Augmentation term '{(c.Key as YamlScalarNode)?.Value}' must be a single value.")))),
                _ => throw new FormatException($"it must be text such as \"{AugmentationSpec.Example}\" or a mapping of the same terms."),
            };
        }
        catch (FormatException ex)
        {
            s.Errors.Add(node, $"'{s.Qualified("augment")}': {ex.Message}");
            return null;
        }
    }

    private static double? ReadValidationSplit(YamlSection s)
    {
        double? split = s.Fraction("validation_split");
        if (split is not >= 1) return split;
        s.Errors.Add(s.Value("validation_split")!, "'training.validation_split' must be below 1 (some data has to remain for training), e.g. 0.1 or 10%.");
        return null;
    }

    private static RecipeGates ReadGates(YamlSection? s, bool table)
    {
        var d = new RecipeGates();
        if (s is null) return d;
        var gates = new RecipeGates(
            MinAccuracy: s.Fraction("min_accuracy"),
            MaxClassRecallDrop: s.Fraction("max_class_recall_drop") ?? d.MaxClassRecallDrop,
            Margin: s.Fraction("margin") ?? d.Margin) { MaxRmse = s.Double("max_rmse", 0, double.MaxValue, minExclusive: true) };
        string? columns = s.String("groups"), favorable = s.String("favorable");
        double? minRatio = s.Fraction("min_selection_ratio"), maxGap = s.Fraction("max_opportunity_difference");
        if (columns is not null && !table)
            s.Errors.Add(s.Value("groups")!, "'gates.groups' compares groups of a table's test rows; this recipe's data is not a table (data.source: table).");
        else if (columns is null && (minRatio is not null || maxGap is not null || favorable is not null))
            s.Errors.Add(s.Node, "'gates.min_selection_ratio', 'max_opportunity_difference' and 'favorable' judge the groups of 'gates.groups'; name the columns there (groups: home,age).");
        else if (columns is not null)
        {
            try
            {
                gates = gates with { Groups = new Loop.GroupBounds(columns, favorable, minRatio, maxGap).Validate() };
            }
            catch (ArgumentException e)
            {
                s.Errors.Add(s.Value("groups")!, $"'gates.groups': {e.Message}");
            }
        }
        return gates;
    }
}
