using Lepton.Factory.Recipes;

namespace Lepton.Factory.Tests.Recipes;

/// <summary>Invalid recipes: each problem at its line and column, with the allowed keys or values, all reported at once.</summary>
public sealed class RecipeErrorTests
{
    private static RecipeException Fails(string yaml) => Assert.Throws<RecipeException>(() => RecipeLoader.Parse(yaml, "r.yaml"));

    private static RecipeError Single(string yaml)
    {
        var e = Fails(yaml);
        return Assert.Single(e.Errors);
    }

    [Fact]
    public void AnUnknownKeyNamesItsLineTheAllowedKeysAndTheNearMiss()
    {
        var e = Single("name: a\ntraining:\n  epochs: 2\n  lerning_rate: 0.1\n");
        Assert.Equal((4, 3), (e.Line, e.Column));
        Assert.Contains("unknown key 'training.lerning_rate'", e.Message);
        Assert.Contains("did you mean 'learning_rate'?", e.Message);
        Assert.Contains("allowed keys in training: epochs, batch_size, learning_rate,", e.Message);
    }

    [Fact]
    public void AnUnknownTopLevelKeyListsTheSections()
    {
        var e = Single("name: a\nmonitor:\n  window: 5m\n");
        Assert.Equal((2, 1), (e.Line, e.Column));
        Assert.Contains("did you mean 'monitoring'?", e.Message);
        Assert.Contains("name, store, data, model, training, tune, gates, compress, calibrate, intervals, serve, monitoring, loop, export", e.Message);
    }

    [Fact]
    public void AFarOffKeyGetsNoSuggestion()
    {
        var e = Single("name: a\nzebra: 1\n");
        Assert.DoesNotContain("did you mean", e.Message);
    }

    [Theory]
    [InlineData("training:\n  epochs: two\n", 3, 11, "'training.epochs' is 'two'; it must be a whole number from 1 to 100000")]
    [InlineData("training:\n  epochs: 0\n", 3, 11, "whole number from 1")]
    [InlineData("training:\n  learning_rate: -1\n", 3, 18, "'training.learning_rate' is '-1'; it must be a number above 0 to 10")]
    [InlineData("training:\n  validation_split: 150%\n", 3, 21, "share from 0 to 1, written as 0.1 or 10%")]
    [InlineData("training:\n  seed: -4\n", 3, 9, "'training.seed' is '-4'; it must be a whole number from 0")]
    [InlineData("training: 5\n", 2, 11, "'training' must be a section of keys")]
    [InlineData("serve:\n  models: fashion@production\n", 3, 11, "'serve.models' must be a list of values")]
    [InlineData("serve:\n  port: 70000\n", 3, 9, "'serve.port' is '70000'; it must be a whole number from 0 to 65535")]
    [InlineData("gates:\n  min_accuracy: high\n", 3, 17, "'gates.min_accuracy' is 'high'; it must be a share from 0 to 1")]
    public void WrongTypesAndRangesNameTheLineAndTheRange(string body, int line, int column, string message)
    {
        var e = Single("name: a\n" + body);
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("training:\n  optimizer: adan\n", "'training.optimizer' is 'adan', which is not allowed (did you mean 'adam'?); allowed values: adam, adamw, sgd.")]
    [InlineData("training:\n  schedule: linear\n", "allowed values: none, cosine, onecycle, step.")]
    [InlineData("data:\n  source: mnist\n", "allowed values: fashion-mnist, images, table.")]
    [InlineData("model:\n  preset: cnnn\n", "(did you mean 'cnn'?); allowed values: mlp, cnn, cnn-bn, resnet, mobilenet, auto.")]
    [InlineData("loop:\n  trigger: always\n", "allowed values: alert, schedule, manual.")]
    [InlineData("loop:\n  mode: finetune\n", "(did you mean 'fine-tune'?); allowed values: fine-tune, scratch.")]
    public void BadEnumValuesListTheAllowedValues(string body, string message)
    {
        var e = Single("name: a\n" + body);
        Assert.Equal(3, e.Line);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("data:\n  source: images\n", "'data.source' is images but 'data.dir' is missing")]
    [InlineData("data:\n  source: images\n  dir: /no/such/folder\n", "there is no folder or manifest at /no/such/folder")]
    [InlineData("data:\n  source: images\n  dir: /tmp\n  size: big\n", "'data.size': --size 'big' is not WxH")]
    [InlineData("data:\n  size: 64x64\n", "apply to 'source: images' only")]
    public void ImageDataNeedsAFolderAndAValidSize(string body, string message) =>
        Assert.Contains(message, Single("name: a\n" + body).Message);

    [Theory]
    [InlineData("tune:\n  trials: 5\n", "'tune.space' is missing")]
    [InlineData("tune:\n  space: /no/such/space.yaml\n", "'tune.space' is '/no/such/space.yaml', but there is no file")]
    [InlineData("tune:\n  space: /tmp\n  sampler: grid\n", "allowed values: tpe, random.")]
    [InlineData("export:\n  onnx: maybe\n", "allowed values: true, false.")]
    [InlineData("calibrate:\n  method: platt\n", "'calibrate.method' is 'platt'; use sigmoid, isotonic, temperature, auto")]
    [InlineData("calibrate:\n  split: validation\nexport:\n  onnx: true\n", "'calibrate' with 'export': the ONNX graph would answer the uncalibrated probabilities")]
    public void OptimizationSectionsNameTheProblem(string body, string message) =>
        Assert.Contains(message, Assert.Throws<RecipeException>(() => RecipeLoader.Parse("name: a\n" + body)).Message);

    [Fact]
    public void OptimizationSectionsAddTheirSteps()
    {
        string space = Path.Combine(Path.GetTempPath(), $"lepton-space-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(space, "lr: {type: float, low: 1e-4, high: 1e-1, log: true}\n");
        try
        {
            var recipe = RecipeLoader.Parse($"name: a\ndata:\n  source: images\n  dir: /tmp\ntune:\n  space: {space}\n  trials: 4\n  budget: 5m\n" +
                                            "compress:\n  max_accuracy_drop: 1\n  min_speedup: 1.5\nexport:\n  onnx: true\n");
            Assert.Equal(new RecipeTune(space, Trials: 4, Budget: TimeSpan.FromMinutes(5)), recipe.Tune);
            Assert.Equal(new RecipeCompress(MaxAccuracyDropPoints: 1, MinSpeedup: 1.5), recipe.Compress);
            Assert.Equal(["data", "tune", "gate", "compress", "register", "promote", "export"],
                Lepton.Factory.Recipes.Steps.RecipeSteps.For(recipe).Select(s => s.Name));
            Assert.Equal(["data", "train", "gate", "register", "promote"],
                Lepton.Factory.Recipes.Steps.RecipeSteps.For(RecipeLoader.Parse("name: a\n")).Select(s => s.Name));
        }
        finally
        {
            File.Delete(space);
        }
    }

    [Theory]
    [InlineData("monitoring:\n  window: 15 minutes\n", "'monitoring.window' is '15 minutes', which is not a duration")]
    [InlineData("monitoring:\n  interval: 0s\n", "'monitoring.interval' is '0s', which is not a duration")]
    [InlineData("serve:\n  max_queue_delay: 2\n", "'serve.max_queue_delay' is '2', which is not a duration; write a number and a unit: ms, s, m, h or d")]
    [InlineData("loop:\n  trigger: schedule\n  every: weekly\n", "'loop.every' is 'weekly', which is not a duration")]
    public void BadDurationsNameTheForms(string body, string message)
    {
        var e = Single("name: a\n" + body);
        Assert.Contains(message, e.Message);
        Assert.True(e.Line >= 3);
    }

    [Fact]
    public void ABadAlertRuleIsReportedAtItsLineWithTheAllowedForms()
    {
        var e = Single("name: a\nmonitoring:\n  rules:\n    - drift.psi > 0.2\n    - drfit.psi > 0.2\n");
        Assert.Equal((5, 7), (e.Line, e.Column));
        Assert.Contains("'drfit.psi' is not a known metric", e.Message);
        Assert.Contains("drift.psi > 0.2", e.Message);
    }

    [Fact]
    public void AGroupRuleIsRefusedInMonitoring_WhichWatchesNoGroups()
    {
        var e = Single("name: a\nmonitoring:\n  rules:\n    - selection_ratio < 0.8\n");
        Assert.Contains("reads the groups of lepton monitor --groups, which this watcher does not measure", e.Message);
    }

    [Fact]
    public void ManyProblemsAreReportedTogetherInLineOrder()
    {
        var ex = Fails("""
            training:
              epochs: many
              optimizer: rmsprop
            serve:
              portt: 80
            monitoring:
              rules:
                - p99 >> 5
            """);
        Assert.Equal([1, 2, 3, 5, 8], ex.Errors.Select(e => e.Line));
        Assert.Contains("'name' is required", ex.Errors[0].Message);
        Assert.StartsWith("r.yaml has 5 problems:", ex.Message);
        Assert.Contains("r.yaml:2:11: 'training.epochs' is 'many'", ex.Message);
        Assert.Contains("r.yaml:5:3: unknown key 'serve.portt' (did you mean 'port'?)", ex.Message);
    }

    [Theory]
    [InlineData("name: ../evil\n", "Invalid recipe name")]
    [InlineData("name: a\nmodel:\n  preset: cnn\n  file: m.json\n", "gives both 'preset' and 'file'")]
    [InlineData("name: a\nmodel:\n  file: /no/such/model.json\n", "there is no file at /no/such/model.json")]
    [InlineData("name: a\nserve:\n  canary:\n    alias: production\n", "cannot be production")]
    [InlineData("name: a\nloop:\n  trigger: schedule\n", "'loop.every' is required")]
    [InlineData("name: a\nloop:\n  every: 1h\n", "only applies with 'trigger: schedule'")]
    [InlineData("name: a\ntraining:\n  epochs: [1, 2]\n", "'training.epochs' must be a single value, not a list")]
    public void RuleViolationsAreExplained(string yaml, string message) => Assert.Contains(message, Single(yaml).Message);

    [Fact]
    public void BrokenYamlNamesItsLine()
    {
        var e = Single("name: a\ntraining:\n  epochs: [1, 2\n");
        Assert.Contains("not valid YAML", e.Message);
        Assert.True(e.Line >= 3);
    }

    [Fact]
    public void ADuplicateKeyNamesItsLine()
    {
        var e = Single("name: a\ntraining:\n  epochs: 1\n  epochs: 2\n");
        Assert.Equal(4, e.Line);
        Assert.Contains("Duplicate key", e.Message);
    }

    [Fact]
    public void ARecipeMustBeAMapping() => Assert.Contains("a recipe is a section of keys", Single("- a\n- b\n").Message);
}
