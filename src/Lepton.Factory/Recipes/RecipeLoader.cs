using Lepton.Factory.Recipes.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lepton.Factory.Recipes;

/// <summary>
/// Reads <c>lepton.yaml</c> into a <see cref="Recipe"/>. Every problem (unknown key, wrong type, value out of range, bad
/// duration or alert rule) is collected with its line and column and thrown together as one <see cref="RecipeException"/>.
/// </summary>
public static partial class RecipeLoader
{
    public const string DefaultFileName = "lepton.yaml";

    internal static IReadOnlyList<string> TopKeys { get; } = Recipe.SectionNames;

    /// <summary>Loads a recipe file; relative paths inside it (data.dir, model.file) are taken from the file's folder.</summary>
    public static Recipe Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No recipe at {path}; write one (see examples/fashion/lepton.yaml) or name it: lepton run path/to/lepton.yaml.");
        string full = Path.GetFullPath(path);
        return Parse(File.ReadAllText(full), path, Path.GetDirectoryName(full));
    }

    /// <summary>Parses recipe text; <paramref name="sourceName"/> names it in errors, <paramref name="baseDirectory"/> anchors relative paths.</summary>
    public static Recipe Parse(string text, string sourceName = DefaultFileName, string? baseDirectory = null)
    {
        var errors = new RecipeErrors();
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            errors.Add(ex.Start, $"this is not valid YAML: {ex.InnerException?.Message ?? ex.Message}");
            throw new RecipeException(sourceName, errors.All);
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(yaml.Documents.Count == 0 ? Mark.Empty : yaml.Documents[0].RootNode.Start,
                $"a recipe is a section of keys ({string.Join(", ", TopKeys)}); start with 'name: fashion'.");
            throw new RecipeException(sourceName, errors.All);
        }
        var recipe = Read(new YamlSection(root, "", TopKeys, errors), baseDirectory ?? Environment.CurrentDirectory);
        if (errors.All.Count > 0) throw new RecipeException(sourceName, [.. errors.All.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        return recipe with { Source = sourceName };
    }

    private static Recipe Read(YamlSection root, string baseDirectory)
    {
        string name = ReadName(root);
        string? store = root.String("store");
        if (root.Has("store") && string.IsNullOrWhiteSpace(store))
            root.Errors.Add(root.Node, "'store' is empty; give a connection string such as postgres://user:pass@host:5432/lepton or sqlite:PATH, or remove it.");
        var data = ReadData(root.Section("data", DataKeys), baseDirectory);
        var model = data.IsTable ? ReadTableModel(root.Section("model", ModelKeys), root.Has("tune")) : ReadModel(root.Section("model", ModelKeys), baseDirectory);
        return new Recipe(name, store,
            data,
            model,
            data.IsTable ? ReadTableTraining(root.Section("training", TrainingKeys), model.Reference) : ReadTraining(root.Section("training", TrainingKeys)),
            ReadGates(root.Section("gates", GateKeys), data.IsTable),
            ReadServe(root.Section("serve", ServeKeys), name),
            ReadMonitoring(root.Section("monitoring", MonitoringKeys)),
            ReadLoop(root.Section("loop", LoopKeys)))
        {
            Tune = ReadTune(root.Section("tune", TuneKeys), baseDirectory, data),
            Compress = ReadCompress(root.Section("compress", CompressKeys), data),
            Calibrate = ReadCalibrate(root.Section("calibrate", CalibrateKeys), data, root.Has("export")),
            Intervals = ReadIntervals(root.Section("intervals", IntervalsKeys), data),
            Export = ReadExport(root.Section("export", ExportKeys), data),
        };
    }

    private static string ReadName(YamlSection root)
    {
        string? name = root.String("name");
        if (name is null)
        {
            root.Errors.Add(root.Node, "'name' is required: the model name this recipe trains, registers and serves, e.g. 'name: fashion'.");
            return "recipe";
        }
        if (Lepton.Registry.References.ModelName.Check(name, "recipe name") is { } problem)
        {
            root.Errors.Add(root.Value("name")!, problem);
            return "recipe";
        }
        return name;
    }

    /// <summary>A path from the recipe made absolute against the recipe's folder.</summary>
    private static string Resolve(string path, string baseDirectory) => Path.GetFullPath(path, baseDirectory);
}
