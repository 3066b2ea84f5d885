using System.Globalization;
using System.Text;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;
using Lepton.Factory.Recipes;
using Lepton.Factory.Recipes.Running;
using Lepton.Factory.Recipes.Steps;
using Lepton.Factory.Tests.Tables;
using Lepton.NN.Serialization;
using Lepton.Runtime;

namespace Lepton.Factory.Tests.Recipes;

/// <summary>
/// <c>data.source: table</c> in lepton.yaml: the data section's roles, pinned kinds and split; the learner and its training keys;
/// the whole recipe run (import, split, train, gate, register, promote), skipped when nothing changed and re-run when the file
/// does; a regression table judged by <c>gates.max_rmse</c>; and every misplaced key reported with its line.
/// </summary>
public sealed class TableRecipeTests : IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (string dir in _folders) Directory.Delete(dir, recursive: true);
    }

    private static Recipe Parse(string yaml, string dir) => RecipeLoader.Parse(yaml, "r.yaml", dir);

    private string Folder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lepton-table-recipe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _folders.Add(dir);
        File.WriteAllText(Path.Combine(dir, "customers.csv"), ChurnRow.Csv(ChurnRow.Make(300, seed: 5)));
        File.WriteAllText(Path.Combine(dir, "space.yaml"), "learning_rate: {type: float, low: 0.05, high: 0.3, log: true}\nnum_leaves: [7, 15, 31]\n");
        File.WriteAllText(Path.Combine(dir, "network-space.yaml"), "lr: {type: float, low: 3e-4, high: 3e-2, log: true}\n");
        return dir;
    }

    [Fact]
    public void ATableRecipeReadsRolesPinnedKindsTheSplitAndTheLearner()
    {
        string dir = Folder();
        var r = Parse("""
            name: churn
            data:
              source: table
              path: customers.csv
              label_column: churn
              group_column: customer_id
              schema:
                plan: categorical
                age: numeric
              test: 25%
            model:
              preset: gbdt
            training:
              trees: 50
              learning_rate: 0.1
              seed: 3
            gates:
              min_accuracy: 0.7
            """, dir);
        Assert.True(r.Data.IsTable);
        Assert.Equal(Path.Combine(dir, "customers.csv"), r.Data.Dir);
        var t = r.Data.Table!;
        Assert.Equal(("churn", "customer_id", 0.25), (t.LabelColumn, t.GroupColumn, t.Test));
        Assert.Equal([ColumnKind.Categorical, ColumnKind.Numeric], t.Schema!.Columns.Select(c => c.Kind));
        Assert.Equal("gbdt", r.Model.Reference);
        var tabular = r.Training.Table!.ToTabularRecipe("churn@2", r.Model.Reference, r.Training.Seed);
        Assert.Equal((50, 0.1, 0, 3), (tabular.Trees!.Iterations, tabular.Trees.LearningRate, tabular.Trees.EarlyStoppingRounds, tabular.Seed));
        Assert.Equal((null, null), (tabular.ClassWeight, tabular.Threshold));
        var rare = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  class_weight: balanced\n  threshold: precision=0.8\n", dir);
        var rareRecipe = rare.Training.Table!.ToTabularRecipe("churn@2", rare.Model.Reference, 0);
        Assert.Equal(("balanced", "precision=0.8"), (rareRecipe.ClassWeight, rareRecipe.Threshold));
        var counts = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  loss: poisson\n", dir);
        Assert.Equal("poisson", counts.Training.Table!.ToTabularRecipe("sales@2", counts.Model.Reference, 0).Loss);
        var credit = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  monotone: monthly=increasing\n  additive: true\n  exclude: plan,age\n  reweigh: plan\n", dir);
        var creditRecipe = credit.Training.Table!.ToTabularRecipe("churn@2", credit.Model.Reference, 0);
        Assert.Equal(("monthly=increasing", true), (creditRecipe.Monotone, creditRecipe.Additive));
        Assert.Equal(["plan", "age"], creditRecipe.ExcludedColumns);
        Assert.Equal("plan", creditRecipe.Reweigh);
        var calibrated = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  calibrate: isotonic\n", dir);
        Assert.Equal("isotonic", calibrated.Training.Table!.ToTabularRecipe("churn@2", calibrated.Model.Reference, 0).Calibrate);
        var intervals = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  intervals: 0.9\n  intervals_per_class: true\n", dir);
        var intervalsRecipe = intervals.Training.Table!.ToTabularRecipe("churn@2", intervals.Model.Reference, 0);
        Assert.Equal((0.9, true), (intervalsRecipe.Intervals, intervalsRecipe.IntervalsPerClass));
        Assert.Null(intervalsRecipe.IntervalsMethod);
        var band = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  intervals: 0.9\n  intervals_method: quantiles\n", dir);
        Assert.Equal("quantiles", band.Training.Table!.ToTabularRecipe("churn@2", band.Model.Reference, 0).IntervalsMethod);
        // A database: its URL as the path (not a file beside the recipe) and the query whose rows are the table.
        var database = Parse("name: a\ndata:\n  source: table\n  path: postgres://analyst@db:5432/shop\n  query: SELECT * FROM customers\n  label_column: churn\n", dir);
        Assert.Equal(("postgres://analyst@db:5432/shop", "SELECT * FROM customers"), (database.Data.Dir, database.Data.Table!.ToImportOptions().Query));
        var weighted = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  weight_column: monthly\n", dir);
        Assert.Equal("monthly", weighted.Training.Table!.ToTabularRecipe("churn@2", weighted.Model.Reference, 0).WeightColumn);
        // Stratified by default for a classification label, time-ordered when a time column is named.
        Assert.True(t.ToSplitOptions(TableTask.Classification, 0).Stratify);
        Assert.False((t with { TimeColumn = "signup" }).ToSplitOptions(TableTask.Classification, 0).Stratify);
        Assert.Equal("auto", Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\n", dir).Model.Reference);
        Assert.Null(t.Separator);
        var semicolon = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\n  separator: ';'\n", dir).Data.Table!;
        Assert.Equal(';', semicolon.ToImportOptions().Read!.Separator);
        var sheet = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\n  sheet: Q3\n", dir).Data.Table!;
        Assert.Equal("Q3", sheet.ToImportOptions().Read!.Sheet);
        var windows = Parse("name: a\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\n  encoding: windows-1252\n", dir).Data.Table!;
        Assert.Equal("windows-1252", windows.ToImportOptions().Read!.Encoding);
    }

    [Theory]
    [InlineData("data:\n  source: table\n  path: customers.csv\n", "'data.label_column' is missing")]
    [InlineData("data:\n  source: table\n  label_column: churn\n", "'data.path' is missing")]
    [InlineData("data:\n  source: table\n  path: nowhere.csv\n  label_column: churn\n", "there is no file or folder at")]
    [InlineData("data:\n  source: images\n  dir: .\n  label_column: churn\n", "'data.label_column' applies to 'source: table' only")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\n  schema:\n    plan: colour\n", "'data.schema'")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\n  separator: x\n", "'data.separator'")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\n  encoding: klingon\n", "'data.encoding': 'klingon' is not a character encoding")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\n  split_column: s\n  test: 0.2\n", "keeps the table's own split")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  optimizer: sgd\n", "'training.optimizer' trains networks on images")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\nmodel:\n  preset: mlp\ntraining:\n  trees: 10\n", "mlp grows no trees")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\nmodel:\n  preset: cnn\n", "'model.preset' is 'cnn', which is not allowed")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  trees: 10\n", "model.preset auto tries every learner")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\nexport:\n  onnx: true\n", "'export' writes a network as ONNX")]
    [InlineData("training:\n  trees: 10\n", "'training.trees' applies to table recipes")]
    [InlineData("training:\n  threshold: f1\n", "'training.threshold' applies to table recipes")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  threshold: best\n", "'training.threshold': threshold best: give a probability")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  class_weight: heavy\n", "'training.class_weight': class_weight heavy: give none, balanced")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  loss: poison\n", "'training.loss': 'poison' is not a regression loss; use squared, absolute")]
    [InlineData("training:\n  loss: poisson\n", "'training.loss' applies to table recipes")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  calibrate: platt\n", "'training.calibrate': calibrate platt: give sigmoid")]
    [InlineData("training:\n  calibrate: sigmoid\n", "'training.calibrate' applies to table recipes")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  intervals: 90%\n", "'training.intervals' is '90%'; it must be a number above 0 to 1")]
    [InlineData("data:\n  source: table\n  path: postgres://analyst:pw@db/shop\n  label_column: churn\n", "'data.path' is the database postgres://analyst:***@db/shop; give the rows to import as 'data.query'")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  query: SELECT 1\n  label_column: churn\n", "'data.query' reads a PostgreSQL database; make 'data.path' its URL")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  intervals: 1\n", "an interval that always holds the truth is unbounded")]
    [InlineData("training:\n  intervals: 0.9\n", "'training.intervals' applies to table recipes")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  intervals: 0.9\n  intervals_method: quantile\n", "'training.intervals_method' is 'quantile', which is not allowed")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\nintervals:\n  level: 0.9\n", "a table recipe fits its intervals or sets while it trains: set 'training.intervals'")]
    [InlineData("intervals:\n  split: validation\n", "'intervals.level' is required")]
    [InlineData("intervals:\n  level: 1\n", "a set that always holds the truth names every class")]
    [InlineData("intervals:\n  level: 0.9\n  per_class: maybe\n", "'intervals.per_class' is 'maybe'")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ncalibrate:\n  method: sigmoid\n", "a table recipe calibrates while it trains: set 'training.calibrate'")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  monotone: monthly\n", "'training.monotone': monotone monthly: give COLUMN=increasing")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\nmodel:\n  preset: mlp\ntraining:\n  monotone: monthly=up\n", "'monotone' needs a learner that keeps it")]
    [InlineData("training:\n  monotone: monthly=up\n", "'training.monotone' applies to table recipes")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  exclude: plan,,age\n", "'training.exclude': exclude has an empty column name")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\nmodel:\n  preset: mlp\ntraining:\n  additive: true\n", "'additive' needs trees or a linear learner")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntraining:\n  additive: yes\n", "'training.additive' is 'yes', which is not allowed")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ntune:\n  space: space.yaml\n", "set data.validation")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\n  validation: 0.2\ntune:\n  space: space.yaml\n  min_epochs: 2\n", "'tune.min_epochs' halves a network's epochs")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\n  validation: 0.2\nmodel:\n  preset: mlp\ntune:\n  space: space.yaml\n", "searches gbdt's parameters")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\n  validation: 0.2\ntune:\n  space: network-space.yaml\n", "'lr' is not a gbdt parameter")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ncompress:\n  method: minmax\n", "a table recipe trains tree, linear or MLP learners")]
    [InlineData("gates:\n  groups: plan\n", "'gates.groups' compares groups of a table's test rows")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ngates:\n  min_selection_ratio: 0.8\n", "judge the groups of 'gates.groups'; name the columns there")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ngates:\n  groups: plan,plan\n", "'gates.groups': --groups names 'plan' twice")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: churn\ngates:\n  groups: plan\n  min_selection_ratio: 4/5\n", "'gates.min_selection_ratio' is '4/5'")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: monthly\n  lags: 1,7\n", "'data.lags' and 'data.rolling' read each series in time order: name the table's 'data.time_column'")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: monthly\n  time_column: signup\n  lags: 1,a\n", "'data.lags' is '1,a'; give whole numbers separated by commas")]
    [InlineData("data:\n  source: table\n  path: customers.csv\n  label_column: monthly\n  series: plan\n", "give those too, or drop it")]
    public void MisplacedTableKeysAreReportedWithTheirFix(string body, string message)
    {
        var e = Assert.Throws<RecipeException>(() => Parse("name: a\n" + body, Folder()));
        Assert.Contains(e.Errors, x => x.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATableRecipeRunsEndToEnd_SkipsWhenNothingChanged_AndReRunsWhenTheFileChanges()
    {
        await using var reg = await TempRegistry.CreateAsync();
        string dir = Folder();
        string yaml = "name: churn\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\nmodel:\n  preset: gbdt\ngates:\n  min_accuracy: 0.7\n";
        var recipe = Parse(yaml, dir);
        var runner = new RecipeRunner(RecipeSteps.For(recipe));
        var first = await runner.RunAsync(reg.Context(recipe));
        Assert.True(first.Succeeded, string.Join("; ", first.Steps.Select(s => $"{s.Step}: {s.Detail}")));
        Assert.Equal(["data", "train", "gate", "register", "promote"], first.Steps.Select(s => s.Step));
        var data = first.Steps[0].Outputs;
        Assert.Equal("churn@2", data["dataset_ref"]!.GetValue<string>()); // version 1 imported, version 2 its split
        Assert.Equal("gbdt", first.Steps[1].Outputs["learner"]!.GetValue<string>());
        Assert.InRange(first.Steps[1].Outputs["test_accuracy"]!.GetValue<double>(), 0.7, 1.0);
        var production = await reg.Registry.ResolveAsync("churn@production");
        Assert.Equal("lightgbm", PredictorLoader.Default.KindOf(production.Folder).Name);
        Assert.Equal("churn@2", production.Version!.DatasetRef);

        var again = await runner.RunAsync(reg.Context(Parse(yaml, dir)));
        Assert.All(again.Steps, s => Assert.Equal(StepOutcome.Skipped, s.Outcome));

        // More rows in the same file: the data step sees the change, and everything after it runs again.
        File.AppendAllText(Path.Combine(dir, "customers.csv"), ChurnRow.Csv(ChurnRow.Make(40, seed: 6, idOffset: 1000)).Split('\n', 2)[1]);
        var changed = await runner.RunAsync(reg.Context(Parse(yaml, dir)));
        Assert.All(changed.Steps, s => Assert.Equal(StepOutcome.Completed, s.Outcome));
        Assert.Equal("churn@4", changed.Steps[0].Outputs["dataset_ref"]!.GetValue<string>());
        Assert.Equal(2, (await reg.Registry.ResolveAsync("churn@production")).Version!.Version);
    }

    [Fact]
    public async Task AGroupsGate_StopsAModelThatSelectsAGroupFarLessOften_AndPassesOneKeptFromTheColumn()
    {
        await using var reg = await TempRegistry.CreateAsync();
        string dir = Folder();
        // 800 customers, a quarter test: ~67 per plan. Basic customers nearly all churn, so a model reading plan says "yes" to them.
        File.WriteAllText(Path.Combine(dir, "customers.csv"), ChurnRow.Csv(ChurnRow.Make(800, seed: 5)));
        string yaml = "name: churn\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\nmodel:\n  preset: gbdt\n" +
                      "gates:\n  groups: plan\n  min_selection_ratio: 0.6\n";
        var recipe = Parse(yaml, dir);
        var stopped = await new RecipeRunner(RecipeSteps.For(recipe)).RunAsync(reg.Context(recipe));
        Assert.False(stopped.Succeeded);
        Assert.Equal("gate", stopped.Stopped!.Step);
        Assert.Contains("by 'plan' the selection ratio of 'yes' is", stopped.Stopped.Detail, StringComparison.Ordinal);
        Assert.Contains("below gates.min_selection_ratio 0.6; the model is not registered. Keep the column out of training (training.exclude: plan)", stopped.Stopped.Detail, StringComparison.Ordinal);
        Assert.Empty(await reg.Registry.Store.ListModelsAsync());

        // Kept from plan, the model churns the plans alike (up to the rows' other columns) and is registered.
        recipe = Parse(yaml + "training:\n  exclude: plan\n", dir);
        var passed = await new RecipeRunner(RecipeSteps.For(recipe)).RunAsync(reg.Context(recipe));
        Assert.True(passed.Succeeded, string.Join("; ", passed.Steps.Select(s => $"{s.Step}: {s.Detail}")));
        var groups = passed.Steps.Single(s => s.Step == "gate").Outputs["groups"]!.AsArray();
        var plan = groups.Single()!;
        Assert.Equal("plan", plan["column"]!.GetValue<string>());
        Assert.InRange(plan["selection_ratio"]!.GetValue<double>(), 0.6, 1);
        Assert.Equal(3, plan["groups"]!.AsArray().Count);
        Assert.Equal(["age", "signup", "monthly"], Lepton.Data.Tables.Encoding.EncoderSet.Load(Path.Combine((await reg.Registry.ResolveAsync("churn@production")).Folder, "encoders.json")).Columns);
    }

    [Fact]
    public async Task ATableRecipeWithATuneSection_SearchesGbdtOnTheValidationRows_AndRegistersTheBestTrial()
    {
        await using var reg = await TempRegistry.CreateAsync();
        string dir = Folder();
        var recipe = Parse("name: churn\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\n  validation: 20%\n" +
                           "tune:\n  space: space.yaml\n  trials: 3\ngates:\n  min_accuracy: 0.6\n", dir);
        Assert.Equal("gbdt", recipe.Model.Reference);
        var result = await new RecipeRunner(RecipeSteps.For(recipe)).RunAsync(reg.Context(recipe));
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Step}: {s.Detail}")));
        Assert.Equal(["data", "tune", "gate", "register", "promote"], result.Steps.Select(s => s.Step));
        var tune = result.Steps[1].Outputs;
        Assert.Equal(3, tune["trials"]!.GetValue<int>());
        Assert.InRange(tune["test_accuracy"]!.GetValue<double>(), 0.6, 1.0);
        Assert.True(tune["best_parameters"]!.AsObject().ContainsKey("num_leaves"));
        var production = await reg.Registry.ResolveAsync("churn@production");
        Assert.Equal("lightgbm", PredictorLoader.Default.KindOf(production.Folder).Name);
    }

    [Fact]
    public async Task ATuneSectionWithAThresholdRule_ComparesTrialsByIt_AndTheBestKeepsItsThreshold()
    {
        await using var reg = await TempRegistry.CreateAsync();
        string dir = Folder();
        var recipe = Parse("name: churn\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\n  validation: 20%\n" +
                           "training:\n  threshold: f1\n  class_weight: balanced\ntune:\n  space: space.yaml\n  trials: 2\ngates:\n  min_accuracy: 0.5\n", dir);
        var result = await new RecipeRunner(RecipeSteps.For(recipe)).RunAsync(reg.Context(recipe));
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Step}: {s.Detail}")));
        var production = await reg.Registry.ResolveAsync("churn@production");
        var spec = ModelSpec.FromJson(File.ReadAllText(Path.Combine(production.Folder, ModelFile.SpecFileName)));
        Assert.Equal("balanced", spec.Metadata!["class_weight"]!.GetValue<string>());
        var threshold = spec.Metadata["decision_threshold"]!;
        Assert.Equal("f1", threshold["rule"]!.GetValue<string>());
        Assert.Equal("the validation split", threshold["source"]!.GetValue<string>());
        // Every trial recorded the F1 the rule reached on the validation rows, which is what the trials are compared by.
        var runs = await reg.Registry.Store.ListRunsAsync();
        var metrics = await Task.WhenAll(runs.Select(r => reg.Registry.Store.GetRunMetricsAsync(r.Id)));
        Assert.True(metrics.Count(m => m.Any(x => x.Key == "validation_f1")) >= 2);
    }

    [Fact]
    public async Task ATuneSectionWithAWeightColumn_WeighsEveryTrial_AndComparesTrialsByTheWeightedScore()
    {
        await using var reg = await TempRegistry.CreateAsync();
        string dir = Folder();
        var recipe = Parse("name: churn\ndata:\n  source: table\n  path: customers.csv\n  label_column: churn\n  validation: 20%\n" +
                           "training:\n  weight_column: monthly\ntune:\n  space: space.yaml\n  trials: 3\ngates:\n  min_accuracy: 0.5\n", dir);
        var result = await new RecipeRunner(RecipeSteps.For(recipe)).RunAsync(reg.Context(recipe));
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Step}: {s.Detail}")));
        var production = await reg.Registry.ResolveAsync("churn@production");
        var spec = ModelSpec.FromJson(File.ReadAllText(Path.Combine(production.Folder, ModelFile.SpecFileName)));
        Assert.Equal("monthly", spec.Metadata!["weight_column"]!.GetValue<string>());
        // Every trial was weighted, and the best is the one of the highest weighted validation accuracy.
        var runs = await reg.Registry.Store.ListRunsAsync();
        var weighted = new Dictionary<string, double>();
        foreach (var run in runs)
            if ((await reg.Registry.Store.GetRunMetricsAsync(run.Id)).LastOrDefault(m => m.Key == "validation_weighted_accuracy") is { } m)
                weighted[run.Id] = m.Value;
        Assert.Equal(3, weighted.Count);
        string best = result.Steps.Single(s => s.Step == "tune").Outputs["run_id"]!.GetValue<string>();
        Assert.Equal(weighted.Values.Max(), weighted[best]);
    }

    [Fact]
    public async Task ATableRecipeWithLags_AddsThemAfterTheSplit_AndTheModelReadsThem()
    {
        await using var reg = await TempRegistry.CreateAsync();
        string dir = Folder();
        var rng = new Random(2);
        var csv = new StringBuilder("day,shop,visits\n");
        var level = new double[3];
        for (int d = 0; d < 120; d++)
            for (int s = 0; s < 3; s++)
            {
                level[s] = 0.9 * level[s] + 0.1 * (40 + 10 * s) + (rng.NextDouble() - 0.5) * 10;
                csv.Append(CultureInfo.InvariantCulture, $"{new DateTime(2025, 1, 1).AddDays(d):yyyy-MM-dd},{"abc"[s]},{level[s]:F1}\n");
            }
        File.WriteAllText(Path.Combine(dir, "visits.csv"), csv.ToString());
        var recipe = Parse("name: visits\ndata:\n  source: table\n  path: visits.csv\n  label_column: visits\n  task: regression\n  time_column: day\n" +
                           "  lags: 1,2\n  rolling: 7\n  series: shop\nmodel:\n  preset: gbdt\ngates:\n  max_rmse: 100\n", dir);
        var result = await new RecipeRunner(RecipeSteps.For(recipe)).RunAsync(reg.Context(recipe));
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Step}: {s.Detail}")));
        Assert.Equal(3, result.Steps.Single(s => s.Step == "data").Outputs["version"]!.GetValue<int>()); // import, split, lags
        var production = await reg.Registry.ResolveAsync("visits@production");
        var columns = Lepton.Data.Tables.Encoding.EncoderSet.Load(Path.Combine(production.Folder, "encoders.json")).Columns;
        Assert.Equal(["visits_lag_1", "visits_lag_2", "visits_mean_7"], columns.Where(c => c.StartsWith("visits_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ARegressionTableIsGatedByItsRmse()
    {
        await using var reg = await TempRegistry.CreateAsync();
        string dir = Folder();
        var rng = new Random(1);
        var csv = new StringBuilder("x,z,y\n");
        for (int i = 0; i < 200; i++)
        {
            double x = rng.NextDouble(), z = rng.NextDouble();
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{z:F4},{3 * x - z + 0.05 * rng.NextDouble():F4}\n");
        }
        File.WriteAllText(Path.Combine(dir, "sales.csv"), csv.ToString());
        string Yaml(string gate) => $"name: sales\ndata:\n  source: table\n  path: sales.csv\n  label_column: y\n  task: regression\nmodel:\n  preset: linear\ngates:\n  {gate}\n";

        var strict = Parse(Yaml("max_rmse: 0.0001"), dir);
        var failed = await new RecipeRunner(RecipeSteps.For(strict)).RunAsync(reg.Context(strict));
        Assert.False(failed.Succeeded);
        Assert.Contains("is above gates.max_rmse 0.0001", failed.Steps.Single(s => s.Step == "gate").Detail);

        var wrongGate = Parse(Yaml("min_accuracy: 0.9"), dir);
        var refused = await new RecipeRunner(RecipeSteps.For(wrongGate)).RunAsync(reg.Context(wrongGate));
        Assert.Contains("set gates.max_rmse instead", refused.Steps.Single(s => s.Step == "gate").Detail);

        var fair = Parse(Yaml("max_rmse: 0.1"), dir);
        var passed = await new RecipeRunner(RecipeSteps.For(fair)).RunAsync(reg.Context(fair));
        Assert.True(passed.Succeeded, string.Join("; ", passed.Steps.Select(s => $"{s.Step}: {s.Detail}")));
        Assert.InRange(passed.Steps.Single(s => s.Step == "train").Outputs["test_rmse"]!.GetValue<double>(), 0, 0.1);
    }
}
