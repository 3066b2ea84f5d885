using System.Text.Json.Nodes;
using Lepton.Data;
using Lepton.Data.Formats;
using Lepton.Engine;
using Lepton.NN.Graph;
using Lepton.NN.Serialization;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton train</c> on tensor data set folders: the hand-written two-input graph of examples/models, and binary,
/// multi-label and regression tasks, each saved with its task and evaluated with its own metrics.
/// </summary>
[Collection("cli")]
public sealed class TensorDataTrainingTests(TrainedModelFixture fx)
{
    private static string Example(string file, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "examples", "models", file));

    private string Folder(string name, Action<string, string, int, Generator> writeSplit, JsonObject? description = null)
    {
        var root = Path.Combine(fx.Root, name);
        foreach (var (split, n, seed) in new[] { ("train", 320, 1UL), ("test", 120, 2UL) })
        {
            var dir = Path.Combine(root, split);
            Directory.CreateDirectory(dir);
            writeSplit(dir, split, n, new Generator(seed));
        }
        if (description is not null) File.WriteAllText(Path.Combine(root, TensorFolder.DescriptionFile), description.ToJsonString());
        return root;
    }

    private static void Save(string dir, string name, Tensor t) => Npy.Write(Path.Combine(dir, name + ".npy"), t);

    private static ModelSpec Trained(string dir) => ModelFile.Load(dir).Spec;

    [Fact]
    public async Task TheTwoInputGraphTrainsOnImagesAndFeatures()
    {
        var data = Folder("two-input", (dir, _, n, g) =>
        {
            // The class is in the feature vector (and faintly in the image), so both branches have something to learn.
            var labels = Enumerable.Range(0, n).Select(_ => g.NextInt(10)).ToArray();
            var features = labels.SelectMany(c => new[] { c / 9f, c % 3 / 2f, c % 2, c * 7 % 10 / 9f }).ToArray();
            var images = Tensor.Rand(new Shape(n, 1, 28, 28), g).ToArray();
            for (int i = 0; i < n; i++) images[i * 784 + labels[i] * 28] += 3;
            Save(dir, "image", Tensor.FromArray(images, n, 1, 28, 28));
            Save(dir, "features", Tensor.FromArray(features, n, 4));
            Save(dir, "targets", Tensor.FromArray(labels, n));
        });
        var outDir = Path.Combine(fx.Root, "two-input-model");
        var (code, _, err) = await CliRun.Invoke("train", "--data", data, "--model", Example("image-and-features.json"),
            "--epochs", "6", "--lr", "0.01", "--batch-size", "32", "--out", outDir, "--register", "two-input");
        Assert.True(code == 0, err);
        var loaded = ModelFile.Load(outDir);
        Assert.IsType<GraphModel>(loaded.Model);
        Assert.Equal(2, loaded.Spec.FormatVersion);
        Assert.Equal(["image", "features"], loaded.Spec.Inputs.Select(i => i.Name));
        Assert.True(loaded.Spec.Metrics["test_accuracy"] > 0.5, $"test accuracy {loaded.Spec.Metrics["test_accuracy"]}");

        // Prediction takes a folder holding one .npy per input.
        (code, var stdout, err) = await CliRun.Invoke("predict", "--model", "two-input", "--input", Path.Combine(data, "test"), "--json");
        Assert.True(code == 0, err);
        using var answers = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal(120, answers.RootElement.GetArrayLength());
        Assert.Equal("image.npy[0]", answers.RootElement[0].GetProperty("input").GetString());
        (code, _, err) = await CliRun.Invoke("predict", "--model", "two-input", "--input", Path.Combine(data, "test", "image.npy"));
        Assert.NotEqual(0, code);
        Assert.Contains("one .npy per input", err);
    }

    [Fact]
    public async Task ABinaryClassifierTrainsAndSavesItsTaskAndMetrics()
    {
        var data = Folder("binary", (dir, _, n, g) =>
        {
            var x = Tensor.Randn(new Shape(n, 4), g);
            var v = x.ToArray();
            Save(dir, "input", x);
            Save(dir, "targets", Tensor.FromArray(Enumerable.Range(0, n).Select(i => v[i * 4] + v[i * 4 + 1] > 0 ? 1 : 0).ToArray(), n));
        }, new JsonObject { ["class_names"] = new JsonArray("stays", "churns") });
        var model = WriteMlp("binary.json", 4, 1);
        var outDir = Path.Combine(fx.Root, "binary-model");
        var (code, _, err) = await CliRun.Invoke("train", "--data", data, "--model", model, "--task", "binary", "--threshold", "0.4",
            "--epochs", "15", "--lr", "0.01", "--out", outDir);
        Assert.True(code == 0, err);
        var spec = Trained(outDir);
        Assert.Equal(TaskKind.Binary, spec.Task.Kind);
        Assert.Equal(0.4, spec.Task.Threshold);
        Assert.Equal(["stays", "churns"], spec.ClassNames);
        Assert.True(spec.Metrics["test_accuracy"] > 0.9, $"accuracy {spec.Metrics["test_accuracy"]}");
        Assert.True(spec.Metrics["test_roc_auc"] > 0.95);
        Assert.True(File.Exists(Path.Combine(outDir, "evaluation.json")));

        (code, var stdout, err) = await CliRun.Invoke("predict", "--model", outDir, "--input", Path.Combine(data, "test", "input.npy"), "--json");
        Assert.True(code == 0, err);
        using var answers = System.Text.Json.JsonDocument.Parse(stdout);
        var first = answers.RootElement[0];
        Assert.Contains(first.GetProperty("label").GetString(), new[] { "stays", "churns" });
        Assert.Equal(first.GetProperty("probability").GetDouble() >= 0.4, first.GetProperty("positive").GetBoolean());
    }

    [Fact]
    public async Task AMultiLabelClassifierAndARegressorTrainFromTheirDatasetDescription()
    {
        var labels = Folder("multilabel", (dir, _, n, g) =>
        {
            var x = Tensor.Randn(new Shape(n, 4), g);
            var v = x.ToArray();
            Save(dir, "input", x);
            Save(dir, "targets", Tensor.FromArray(Enumerable.Range(0, n).SelectMany(i => new[]
                { v[i * 4] > 0 ? 1f : 0f, v[i * 4 + 1] > 0 ? 1f : 0f, v[i * 4 + 2] + v[i * 4 + 3] > 0 ? 1f : 0f }).ToArray(), n, 3));
        }, new JsonObject { ["task"] = "multilabel", ["class_names"] = new JsonArray("red", "round", "large") });
        var outDir = Path.Combine(fx.Root, "multilabel-model");
        var (code, _, err) = await CliRun.Invoke("train", "--data", labels, "--model", WriteMlp("multilabel.json", 4, 3),
            "--epochs", "15", "--lr", "0.01", "--out", outDir);
        Assert.True(code == 0, err);
        var spec = Trained(outDir);
        Assert.Equal(TaskKind.MultiLabel, spec.Task.Kind);
        Assert.True(spec.Metrics["test_f1_micro"] > 0.85, $"micro F1 {spec.Metrics["test_f1_micro"]}");

        var values = Folder("regression", (dir, _, n, g) =>
        {
            var x = Tensor.Randn(new Shape(n, 3), g);
            var v = x.ToArray();
            Save(dir, "input", x);
            Save(dir, "targets", Tensor.FromArray(Enumerable.Range(0, n).Select(i => 2 * v[i * 3] - v[i * 3 + 1] + 0.5f).ToArray(), n, 1));
        }, new JsonObject { ["task"] = "regression", ["target_names"] = new JsonArray("price") });
        outDir = Path.Combine(fx.Root, "regression-model");
        (code, _, err) = await CliRun.Invoke("train", "--data", values, "--model", WriteMlp("regression.json", 3, 1),
            "--epochs", "20", "--lr", "0.02", "--out", outDir);
        Assert.True(code == 0, err);
        spec = Trained(outDir);
        Assert.Equal(TaskKind.Regression, spec.Task.Kind);
        Assert.Equal(["price"], spec.Task.TargetNames!);
        Assert.True(spec.Metrics["test_r2"] > 0.9, $"R² {spec.Metrics["test_r2"]}");

        // lepton eval reports the task's own metrics, the same as training measured on the test split.
        (code, var stdout, err) = await CliRun.Invoke("eval", "--model", outDir, "--data", values, "--json");
        Assert.True(code == 0, err);
        using var report = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal(spec.Metrics["test_r2"], report.RootElement.GetProperty("r2").GetDouble(), 4);
        Assert.True(report.RootElement.GetProperty("rmse").GetDouble() > 0);
    }

    [Fact]
    public async Task AMissingInputFileNamesTheInputAndWhatWasFound()
    {
        var data = Folder("misnamed", (dir, _, n, g) =>
        {
            Save(dir, "pixels", Tensor.Rand(new Shape(n, 1, 28, 28), g));
            Save(dir, "features", Tensor.Rand(new Shape(n, 4), g));
            Save(dir, "targets", Tensor.FromArray(new int[n], n));
        });
        var (code, _, err) = await CliRun.Invoke("train", "--data", data, "--model", Example("image-and-features.json"), "--epochs", "1",
            "--out", Path.Combine(fx.Root, "never-model"));
        Assert.NotEqual(0, code);
        Assert.Contains("train/image.npy is missing: the model takes input 'image'. Found inputs: features, pixels", err);
    }

    private string WriteMlp(string file, int inputs, int outputs)
    {
        var path = Path.Combine(fx.Root, file);
        File.WriteAllText(path, new JsonObject
        {
            ["architecture"] = new JsonArray(
                new JsonObject { ["type"] = "Linear", ["options"] = new JsonObject { ["in_features"] = inputs, ["out_features"] = 16 } },
                new JsonObject { ["type"] = "ReLU" },
                new JsonObject { ["type"] = "Linear", ["options"] = new JsonObject { ["in_features"] = 16, ["out_features"] = outputs } }),
            ["input"] = new JsonObject { ["name"] = "input", ["shape"] = new JsonArray(-1, inputs) },
        }.ToJsonString());
        return path;
    }

    [Fact]
    public async Task TheResidualGraphTrainsOnImagesAndPredictsAPngOfAnotherSize()
    {
        var outDir = Path.Combine(fx.Root, "residual-model");
        var (code, stdout, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--model", Example("residual-cnn.json"),
            "--epochs", "1", "--batch-size", "32", "--out", outDir, "--json");
        Assert.True(code == 0, err);
        using (var run = System.Text.Json.JsonDocument.Parse(stdout))
            // Its residual adds plan; its global Mean pooling has no planned form, so it records its steps and says so.
            Assert.Equal("node 'pool' (Mean) has no planned form", run.RootElement.GetProperty("unplanned_reason").GetString());
        var loaded = ModelFile.Load(outDir);
        Assert.Equal(2, loaded.Spec.FormatVersion);
        Assert.Equal(InputKind.Image, loaded.Spec.Input.Kind);
        Assert.Contains("layer2.proj.weight", loaded.Model.StateDict().Keys);

        var png = Path.Combine(fx.Root, "wide.png");
        PngEncoder.Write(png, new PngImage(40, 30, 3, [.. Enumerable.Range(0, 40 * 30 * 3).Select(i => (byte)(i * 7 % 256))]));
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", outDir, "--input", png, "--json");
        Assert.True(code == 0, err);
        Assert.Contains("wide.png", stdout);
    }
}
