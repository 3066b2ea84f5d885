using Lepton.Factory.Loop;
using Lepton.Factory.Recipes;

namespace Lepton.Factory.Tests.Recipes;

/// <summary>Every section of lepton.yaml read into the typed recipe, and the defaults of everything left out.</summary>
public sealed class RecipeLoaderTests
{
    private const string Full = """
        name: fashion
        store: sqlite:./x.db
        data:
          source: fashion-mnist
          dir: data/fmnist
        model:
          preset: mlp
        training:
          epochs: 3
          batch_size: 128
          learning_rate: 2e-3
          optimizer: adamw
          weight_decay: 0.01
          momentum: 0.8
          schedule: cosine
          clip_grad_norm: 1.5
          validation_split: 10%
          seed: 42
          label_smoothing: 0.1
          validation_freq: 5
        gates:
          min_accuracy: 0.85
          max_class_recall_drop: 3%
          margin: 0.005
        serve:
          models:
            - fashion@production
            - other@2
          max_batch_size: 16
          max_queue_delay: 5ms
          batch_wait: always
          canary: { alias: staging, fraction: 25% }
          port: 9090
          host: 0.0.0.0
        monitoring:
          window: 10m
          interval: 15s
          rules:
            - drift.psi > 0.2
            - accuracy < 0.85 over 500 labels
            - p99 > 50ms
        loop:
          trigger: schedule
          every: 1d
          mode: scratch
          epochs: 2
          min_feedback: 300
          canary_window: 2m
          feedback_holdout: 0.25
        """;

    [Fact]
    public void The_loop_policy_comes_from_the_loop_gates_canary_and_data_sections()
    {
        var policy = RecipeLoader.Parse(Full, "r.yaml", "/base").ToLoopPolicy();
        var recipe = RecipeLoader.Parse(Full, "r.yaml", "/base");
        Assert.Equal("fashion", policy.Model);
        Assert.Equal(recipe.Loop.Mode, policy.Mode);
        Assert.Equal(recipe.Loop.Epochs, policy.Epochs);
        Assert.Equal(recipe.Loop.MinFeedback, policy.MinFeedback);
        Assert.Equal(recipe.Loop.CanaryDuration, policy.CanaryWindow);
        Assert.Equal(0.85, policy.MinAccuracy);
        Assert.Equal(0.03, policy.MaxClassRecallDrop, 9);
        Assert.Equal(recipe.Data.Dir, policy.DataDir);
        policy.Validate();

        var noCanary = RecipeLoader.Parse("name: m\nloop:\n  canary_window: 0\n");
        Assert.Equal(TimeSpan.Zero, noCanary.ToLoopPolicy().CanaryWindow);
        Assert.Throws<RecipeException>(() => RecipeLoader.Parse("name: m\nmonitoring:\n  window: 0\n"));
    }

    [Fact]
    public void EverySectionIsRead()
    {
        var r = RecipeLoader.Parse(Full, "full.yaml", "/base");
        Assert.Equal("fashion", r.Name);
        Assert.Equal("sqlite:./x.db", r.Store);
        Assert.Equal("full.yaml", r.Source);
        Assert.Equal(new RecipeData("fashion-mnist", "/base/data/fmnist"), r.Data);
        Assert.Equal("mlp", r.Model.Reference);
        Assert.Equal(new RecipeTraining(3, 128, 2e-3, "adamw", 0.01, 0.8, "cosine", 1.5, 0.1, 42, LabelSmoothing: 0.1, ValidationFrequency: 5), r.Training);
        Assert.Equal((0.1, 5), (r.Training.ToImageClassifierRecipe(r.Data, r.Model).LabelSmoothing, r.Training.ToImageClassifierRecipe(r.Data, r.Model).ValidationFrequency));
        var bad = Assert.Throws<RecipeException>(() => RecipeLoader.Parse("name: m\ntraining:\n  label_smoothing: 1.5\n"));
        Assert.Contains("label_smoothing", bad.Message);
        Assert.Equal(new RecipeGates(0.85, 0.03, 0.005), r.Gates);
        Assert.Equal(["fashion@production", "other@2"], r.Serve.Models);
        Assert.Equal(16, r.Serve.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(5), r.Serve.QueueDelay);
        Assert.Equal("always", r.Serve.BatchWait);
        Assert.Equal(new RecipeCanary("staging", 0.25), r.Serve.Canary);
        Assert.Equal((9090, "0.0.0.0"), (r.Serve.Port, r.Serve.Host));
        Assert.Equal(TimeSpan.FromMinutes(10), r.Monitoring.Window);
        Assert.Equal(TimeSpan.FromSeconds(15), r.Monitoring.Interval);
        Assert.Equal(["drift.psi", "accuracy", "p99"], r.Monitoring.Rules.Select(x => x.Metric));
        Assert.Equal(500, r.Monitoring.Rules[1].MinLabels);
        Assert.Equal(50, r.Monitoring.Rules[2].Threshold);
        Assert.Equal(3, r.Monitoring.ToOptions().Rules.Count);
        Assert.Equal(new RecipeLoop(LoopTriggerKind.Schedule, TimeSpan.FromDays(1), LoopMode.Scratch, 2, 300, TimeSpan.FromMinutes(2), 0.25), r.Loop);
    }

    [Fact]
    public void ANameAloneIsACompleteRecipeWithDefaults()
    {
        var r = RecipeLoader.Parse("name: shoes\n");
        Assert.Null(r.Store);
        Assert.Equal(new RecipeData(), r.Data);
        Assert.Equal("fashion-mnist", r.Data.Source);
        Assert.Equal("cnn", r.Model.Reference);
        Assert.Equal(new RecipeTraining(), r.Training);
        Assert.Equal((5, 64, 1e-3, "adam", "none"), (r.Training.Epochs, r.Training.BatchSize, r.Training.LearningRate, r.Training.Optimizer, r.Training.Schedule));
        Assert.Null(r.Gates.MinAccuracy);
        Assert.Equal(0.02, r.Gates.MaxClassRecallDrop);
        Assert.Equal(["shoes@production"], r.Serve.Models);
        Assert.Equal((32, 8080, "127.0.0.1"), (r.Serve.MaxBatchSize, r.Serve.Port, r.Serve.Host));
        Assert.Equal(TimeSpan.FromMilliseconds(2), r.Serve.QueueDelay);
        Assert.Equal("inline", r.Serve.BatchWait);
        Assert.Null(r.Serve.Canary);
        Assert.Equal(TimeSpan.FromMinutes(15), r.Monitoring.Window);
        Assert.Equal(TimeSpan.FromSeconds(30), r.Monitoring.Interval);
        Assert.Empty(r.Monitoring.Rules);
        Assert.Equal(new RecipeLoop(), r.Loop);
        Assert.Equal(TimeSpan.FromMinutes(5), r.Loop.CanaryDuration);
    }

    [Fact]
    public void ACanaryWithoutValuesTakesStagingAtTenPercent()
    {
        var r = RecipeLoader.Parse("name: a\nserve:\n  canary: {}\n");
        Assert.Equal(new RecipeCanary("staging", 0.1), r.Serve.Canary);
    }

    [Fact]
    public void TrainingMapsToTheWorkflowRecipe()
    {
        var r = RecipeLoader.Parse("name: a\ndata:\n  dir: /d\nmodel:\n  preset: cnn-bn\ntraining:\n  epochs: 2\n  seed: 9\n");
        var w = r.Training.ToImageClassifierRecipe(r.Data, r.Model);
        Assert.Equal(("fashion-mnist", "/d", "cnn-bn", 2, 9UL), (w.Data, w.DataDir, w.Model, w.Epochs, w.Seed));
    }

    [Fact]
    public void AModelFileIsResolvedAgainstTheRecipeFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lepton-recipe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "nets"));
        try
        {
            File.WriteAllText(Path.Combine(dir, "nets", "model.json"), "{}");
            File.WriteAllText(Path.Combine(dir, "lepton.yaml"), "name: a\nmodel:\n  file: nets/model.json\n");
            var r = RecipeLoader.Load(Path.Combine(dir, "lepton.yaml"));
            Assert.Equal(Path.Combine(dir, "nets", "model.json"), r.Model.File);
            Assert.Equal(r.Model.File, r.Model.Reference);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheExampleRecipeIsValid()
    {
        string path = Path.Combine(RepoRoot(), "examples", "fashion", "lepton.yaml");
        var r = RecipeLoader.Load(path);
        Assert.Equal("fashion", r.Name);
        Assert.NotEmpty(r.Monitoring.Rules);
        Assert.NotNull(r.Serve.Canary);
    }

    [Fact]
    public void AFashionMnistRecipeMayCompress()
    {
        var r = RecipeLoader.Parse("name: a\ncompress:\n  method: minmax\n  min_speedup: 1.0\n");
        Assert.Equal("fashion-mnist", r.Data.Source);
        Assert.Equal("minmax", r.Compress!.Method);
    }

    [Fact]
    public void TheTableExampleRecipeIsValid()
    {
        var r = RecipeLoader.Load(Path.Combine(RepoRoot(), "examples", "churn-table", "lepton.yaml"));
        Assert.Equal("churn", r.Name);
        Assert.True(r.Data.IsTable);
        Assert.Equal("churned", r.Data.Table!.LabelColumn);
        Assert.True(File.Exists(r.Data.Dir), $"{r.Data.Dir}: run examples/churn-table/make_customers.py");
        Assert.Equal(TimeSpan.FromMinutes(2), r.Training.Table!.Budget);
    }

    // The source file's own path: the test binaries may live outside the checkout (LEPTON_ARTIFACTS).
    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lepton.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Lepton.slnx not found above the test binaries.");
    }
}
