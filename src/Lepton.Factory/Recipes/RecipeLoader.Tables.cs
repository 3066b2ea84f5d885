using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Factory.Recipes.Schema;
using Lepton.Training.Workflows.Tables;
using YamlDotNet.RepresentationModel;

namespace Lepton.Factory.Recipes;

/// <summary>The readers of a table recipe: <c>data: {source: table, ...}</c>, its learner and its training keys.</summary>
public static partial class RecipeLoader
{
    // Expression-bodied: other partial files' static initializers read these, and initializer order across files is not defined.
    internal static IReadOnlyList<string> TableDataKeys =>
        ["path", "label_column", "task", "group_column", "time_column", "split_column", "schema", "test", "validation", "separator", "sheet", "encoding", "query", "lags", "rolling", "series"];

    /// <summary>Training keys only table recipes take (the seed, rate, epochs and batch size are shared with networks).</summary>
    // 'training.intervals: 0.9': strictly between 0 and 1.
    private static double? IntervalLevel(YamlSection s)
    {
        double? level = s.Double("intervals", 0, 1, minExclusive: true);
        if (level is 1.0) s.Errors.Add(s.Value("intervals")!, "'training.intervals' is 1; an interval that always holds the truth is unbounded: give a share below 1, e.g. 0.9.");
        return level is 1.0 ? null : level;
    }

    internal static IReadOnlyList<string> TableTrainingKeys => ["trees", "budget", "class_weight", "threshold", "loss", "monotone", "additive", "exclude", "reweigh", "calibrate", "intervals", "intervals_per_class", "intervals_method", "weight_column"];

    // Training keys only networks take: optimizers, schedules, augmentation and the like.
    private static IReadOnlyList<string> NetworkOnlyTrainingKeys =>
        [.. TrainingKeys.Except(["seed", "learning_rate", "epochs", "batch_size", .. TableTrainingKeys])];

    // data.encoding: checked here, so a misspelt name is reported with its line like any other recipe error.
    private static string? Encoding(YamlSection s)
    {
        if (s.String("encoding") is not { } name) return null;
        try
        {
            CsvEncoding.Resolve(name);
            return name;
        }
        catch (ArgumentException e)
        {
            s.Errors.Add(s.Value("encoding")!, $"'data.encoding': {e.Message}");
            return null;
        }
    }

    private static RecipeData ReadTableData(YamlSection s, string baseDirectory, string? name)
    {
        foreach (var key in new[] { "dir", "size" }.Where(s.Has))
            s.Errors.Add(s.Value(key) ?? s.Node, $"'data.{key}' is for images; a table is named by 'data.path' (a .csv, .tsv, .parquet or .xlsx file, or a folder of them).");
        string? path = s.String("path"), query = s.String("query");
        // A PostgreSQL URL names a database, read by the query; any other path a file or folder beside the recipe.
        bool database = path is not null && Lepton.Registry.Datasets.Tables.PostgresQueries.IsDatabase(path);
        string? full = path is null ? null : database ? path : Resolve(path, baseDirectory);
        if (path is null)
            s.Errors.Add(s.Node, "'data.source' is table but 'data.path' is missing; give the CSV, TSV or Parquet file (or a folder of them), relative to the recipe, or a postgres:// URL with 'data.query'.");
        else if (database != query is not null)
            s.Errors.Add(s.Value(database ? "path" : "query")!, database
                ? $"'data.path' is the database {Lepton.Registry.Datasets.Tables.PostgresQueries.Redact(path)}; give the rows to import as 'data.query' (SELECT ... FROM ...)."
                : "'data.query' reads a PostgreSQL database; make 'data.path' its URL (postgres://user@host:5432/database).");
        else if (!database && !File.Exists(full) && !Directory.Exists(full))
            s.Errors.Add(s.Value("path")!, $"'data.path' is '{path}', but there is no file or folder at {full}.");
        if (name is not null && Lepton.Registry.References.ModelName.Check(name, "data set name") is { } problem)
            s.Errors.Add(s.Value("name")!, $"'data.name': {problem}");
        string? label = s.String("label_column");
        if (label is null) s.Errors.Add(s.Node, "'data.label_column' is missing; name the column the model predicts (e.g. label_column: churned).");
        TableTask? task = s.Has("task") ? TableTasks.Parse(s.Choice("task", "classification", ["classification", "regression"])) : null;
        string? split = s.String("split_column");
        double? test = s.Fraction("test", 0.9), validation = s.Fraction("validation", 0.9);
        if (split is not null && (test is not null || validation is not null))
            s.Errors.Add(s.Value(test is not null ? "test" : "validation")!, "'data.split_column' keeps the table's own split; drop 'data.test' and 'data.validation', or the split column.");
        if (split is null && test is 0)
            s.Errors.Add(s.Value("test")!, "'data.test' must be above 0: the gate judges the model on the test rows.");
        if ((test ?? 0.2) + (validation ?? 0) >= 1)
            s.Errors.Add(s.Value("validation") ?? s.Value("test")!, "'data.test' and 'data.validation' together must leave rows to train on (their sum below 1).");
        // The CSV's separator, when the header alone would mislead (by default the one it uses most of , ; tab |).
        char? separator = s.Has("separator") ? s.Choice("separator", ",", [",", ";", "|", "tab"]) switch { "tab" => '\t', var c => c[0] } : null;
        var table = new RecipeTable(label ?? "", task, s.String("group_column"), s.String("time_column"), split, ReadTableSchema(s, baseDirectory),
            test ?? 0.2, validation ?? 0, separator, s.String("sheet"), Encoding(s)) { Query = query, Lags = Lags(s) };
        return new RecipeData(RecipeData.Tables, full, name) { Table = table };
    }

    // lags: 1,7,28 and rolling: 7,28 of the label, by the series of series: store,item, ordered by the time column (lepton data lags).
    private static Lepton.Registry.Datasets.Tables.TableLagRequest? Lags(YamlSection s)
    {
        string? lags = s.String("lags"), rolling = s.String("rolling"), series = s.String("series");
        if (lags is null && rolling is null)
        {
            if (series is not null) s.Errors.Add(s.Value("series")!, "'data.series' names the columns whose rows make one series for 'data.lags' and 'data.rolling'; give those too, or drop it.");
            return null;
        }
        if (s.String("time_column") is null)
            s.Errors.Add(s.Value(lags is not null ? "lags" : "rolling")!, "'data.lags' and 'data.rolling' read each series in time order: name the table's 'data.time_column'.");
        IReadOnlyList<int> Numbers(string key, string? text)
        {
            if (Lepton.Registry.Datasets.Tables.TableLagRequest.Numbers(text) is { } numbers) return numbers;
            s.Errors.Add(s.Value(key)!, $"'data.{key}' is '{text}'; give whole numbers separated by commas, e.g. 1,7,28.");
            return [];
        }
        return new Lepton.Registry.Datasets.Tables.TableLagRequest(Numbers("lags", lags), Numbers("rolling", rolling),
            Lepton.Registry.Datasets.Tables.TableLagRequest.Names(series));
    }

    // schema: a mapping of column names to kinds (numeric, categorical, boolean, datetime, text, identifier), or a schema file
    // (as lepton data import --schema reads it), relative to the recipe.
    private static TableSchema? ReadTableSchema(YamlSection s, string baseDirectory)
    {
        if (s.Value("schema") is not { } node) return null;
        try
        {
            if (node is YamlScalarNode { Value: { } file })
            {
                string full = Resolve(file, baseDirectory);
                if (!File.Exists(full)) throw new ArgumentException($"it is '{file}', but there is no schema file at {full}.");
                return TableSchema.Load(full);
            }
            if (node is YamlMappingNode map)
            {
                var kinds = new List<(string, ColumnKind)>();
                foreach (var (key, value) in map.Children)
                {
                    string column = (key as YamlScalarNode)?.Value ?? throw new ArgumentException("each key must be a column name.");
                    string? word = (value as YamlScalarNode)?.Value;
                    kinds.Add((column, ColumnKinds.Parse(word, column)));
                }
                return RecipeTable.Pinned(kinds);
            }
            throw new ArgumentException("it must map column names to kinds (e.g. zip: categorical) or name a schema file.");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidDataException or IOException)
        {
            s.Errors.Add(node, $"'data.schema': {ex.Message}");
            return null;
        }
    }

    // With a tune section the learner is gbdt (the one whose parameters a table search sets), else auto by default.
    private static RecipeModel ReadTableModel(YamlSection? s, bool tuned)
    {
        string fallback = tuned ? "gbdt" : "auto";
        if (s is null) return new RecipeModel(fallback);
        if (s.Has("file"))
            s.Errors.Add(s.Value("file") ?? s.Node, "'model.file' describes a network; a table recipe names a learner with 'model.preset' (auto, gbdt, random-forest, logistic, linear, linear-svm, mlp).");
        string preset = s.Choice("preset", fallback, TabularRecipe.Models);
        if (tuned && preset != "gbdt")
            s.Errors.Add(s.Value("preset") ?? s.Node, $"'model.preset' is {preset}, but a table's tune section searches gbdt's parameters; set preset: gbdt, or remove 'tune'.");
        return new RecipeModel(preset);
    }

    // A table learner takes the seed, boosting rounds and rate (gbdt), the MLP's epochs, rate and batch size, and auto's budget;
    // the rest of the training section (optimizers, schedules, augmentation) belongs to networks.
    private static RecipeTraining ReadTableTraining(YamlSection? s, string learner)
    {
        var d = new RecipeTraining();
        if (s is null) return d with { Table = new RecipeTableTraining() };
        foreach (var key in NetworkOnlyTrainingKeys.Where(s.Has))
            s.Errors.Add(s.Value(key) ?? s.Node, $"'training.{key}' trains networks on images; a table recipe takes {string.Join(", ", ["seed", "trees", "learning_rate", "epochs", "batch_size", "budget", "class_weight", "threshold", "loss", "monotone", "additive", "exclude", "reweigh", "calibrate", "intervals", "intervals_per_class", "intervals_method", "weight_column"])}.");
        int? trees = s.Has("trees") ? s.Int("trees", 100, 1, 1_000_000) : null;
        int? epochs = s.Has("epochs") ? s.Int("epochs", 1, 1, 100_000) : null;
        int? batch = s.Has("batch_size") ? s.Int("batch_size", 32, 1, 1 << 20) : null;
        double? rate = s.Double("learning_rate", 0, 10, minExclusive: true);
        var table = new RecipeTableTraining(trees, rate, epochs, batch, s.Duration("budget"))
        {
            ClassWeight = Checked(s, "class_weight", t => Training.Classic.ClassWeighting.Parse(t)),
            Threshold = Checked(s, "threshold", t => Training.Classic.DecisionThreshold.Parse(t)),
            Loss = Checked(s, "loss", t => Lepton.NN.Tasks.RegressionLoss.Parse(t)),
            Monotone = Checked(s, "monotone", t => Training.Classic.MonotoneConstraints.Parse(t)),
            Additive = s.Choice("additive", "false", ["true", "false"]) == "true",
            Exclude = Checked(s, "exclude", t => Training.Workflows.Tables.TabularRecipe.ParseColumns(t)),
            Reweigh = s.String("reweigh"),
            Calibrate = Checked(s, "calibrate", Training.Classic.ProbabilityCalibrator.Check),
            Intervals = IntervalLevel(s),
            IntervalsPerClass = s.Choice("intervals_per_class", "false", ["true", "false"]) == "true",
            IntervalsMethod = s.Value("intervals_method") is null ? null : s.Choice("intervals_method", "residuals", [.. Training.Workflows.Tables.TabularRecipe.IntervalsMethods]),
            WeightColumn = s.String("weight_column"),
        };
        string? wrong = learner switch
        {
            "auto" when trees is not null || rate is not null || epochs is not null || batch is not null =>
                "model.preset auto tries every learner with its defaults; name one learner (gbdt, mlp, ...) to set trees, learning_rate, epochs or batch_size",
            not "auto" when table.Budget is not null => "'budget' bounds auto's search of learners; drop it, or use model.preset auto",
            not ("gbdt" or "random-forest") when trees is not null => $"'trees' sets a tree learner's rounds; {learner} grows no trees",
            not ("gbdt" or "mlp" or "auto") when rate is not null => $"'learning_rate' is gbdt's or the MLP's; {learner} has none",
            "gbdt" when rate is > 1 => "gbdt's 'learning_rate' must lie in (0, 1]",
            not ("mlp" or "auto") when epochs is not null || batch is not null => $"'epochs' and 'batch_size' train the MLP; {learner} takes neither",
            "mlp" when table.Monotone is not null => "'monotone' needs a learner that keeps it (gbdt, random-forest, logistic, linear, linear-svm or auto); the MLP cannot",
            "mlp" when table.Reweigh is not null => "'reweigh' needs a learner that takes row weights (gbdt, random-forest, logistic, linear-svm or auto); the MLP does not",
            "mlp" when table.Additive => "'additive' needs trees or a linear learner (gbdt, random-forest, logistic, linear, linear-svm or auto); the MLP mixes every column",
            _ => null,
        };
        if (wrong is not null) s.Errors.Add(s.Node, $"'training': {wrong}.");
        return d with { Seed = s.ULong("seed", d.Seed), Table = table };
    }

    // A text key read by its parser, so a bad value is reported at its line with the parser's words ("--threshold" read as the key).
    private static string? Checked(YamlSection s, string key, Func<string, object> parse)
    {
        if (s.String(key) is not { } text) return null;
        try
        {
            parse(text);
            return text;
        }
        catch (ArgumentException e)
        {
            s.Errors.Add(s.Value(key) ?? s.Node, $"'training.{key}': {e.Message.Replace("--" + key.Replace('_', '-'), key)}");
            return null;
        }
    }
}
