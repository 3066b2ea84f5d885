using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Cli.Tests;

[Collection("cli")]
public sealed class CliTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task TrainWithAugment_FashionMnist_AugmentsTheTrainingImagesAndRecordsIt()
    {
        var dir = Path.Combine(fx.Root, "augmented-fashion");
        var (code, stdout, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--model", "mlp", "--epochs", "1",
            "--augment", "flip,translate=0.1", "--out", dir);
        Assert.True(code == 0, err + stdout);
        var spec = Lepton.NN.Serialization.ModelFile.Load(dir).Spec;
        Assert.Equal("flip,translate=0.1", spec.Metadata?["augment"]?.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(dir, "reference.json")));
    }

    [Fact]
    public async Task TrainWithLabelSmoothingAndValidationFrequency_SmoothsTheLossAndValidatesEveryNthEpoch()
    {
        async Task<JsonElement> Train(string name, params string[] extra)
        {
            var (code, stdout, err) = await CliRun.Invoke(["train", "--data-dir", fx.DataDir, "--model", "mlp", "--epochs", "3",
                "--out", Path.Combine(fx.Root, name), "--json", .. extra]);
            Assert.True(code == 0, err + stdout);
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
        var plain = await Train("plain-loss");
        var smoothed = await Train("smoothed-loss", "--label-smoothing", "0.2", "--validation-freq", "2");
        // The uniform share of the target keeps the smoothed loss well above the plain one on the same data.
        double Loss(JsonElement r) => r.GetProperty("epochs")[2].GetProperty("loss").GetDouble();
        Assert.True(Loss(smoothed) > Loss(plain) + 0.1, $"smoothed {Loss(smoothed)}, plain {Loss(plain)}");
        bool Validated(JsonElement r, int i) => r.GetProperty("epochs")[i].TryGetProperty("val_loss", out var v) && v.ValueKind == JsonValueKind.Number;
        Assert.Equal([true, true, true], new[] { Validated(plain, 0), Validated(plain, 1), Validated(plain, 2) });
        Assert.Equal([false, true, true], new[] { Validated(smoothed, 0), Validated(smoothed, 1), Validated(smoothed, 2) });

        var (code, _, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--label-smoothing", "1", "--out", Path.Combine(fx.Root, "bad-ls"));
        Assert.Equal(2, code);
        Assert.Contains("--label-smoothing must be in [0, 1)", err);
    }

    [Fact]
    public void TrainWritesAModelFolderWithMetrics()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err + fx.TrainResult.Out);
        var loaded = ModelFile.Load(fx.ModelDir);
        Assert.True(loaded.Spec.Metrics["test_accuracy"] >= 0.9, $"accuracy {loaded.Spec.Metrics["test_accuracy"]}");
        Assert.Equal(10, loaded.Spec.ClassNames.Count);
        Assert.Equal([-1, 1, 28, 28], loaded.Spec.Input.Shape);
        Assert.NotNull(loaded.Spec.Preprocessing);
        Assert.Contains("test accuracy", fx.TrainResult.Out);
    }

    [Fact]
    public async Task PredictClassifiesPngImagesAndWritesEveryOutputFormat()
    {
        var dir = Path.Combine(fx.Root, "pngs");
        Directory.CreateDirectory(dir);
        var rng = new Generator(99);
        int[] labels = [0, 3, 7, 9];
        foreach (var label in labels)
            PngEncoder.Write(Path.Combine(dir, $"class{label}.png"), new PngImage(28, 28, 1, SyntheticFashionMnist.Image(label, rng)));

        foreach (var ext in new[] { "json", "npy", "csv" })
        {
            var output = Path.Combine(fx.Root, $"out.{ext}");
            var (code, _, err) = await CliRun.Invoke("predict", "--model", fx.ModelDir, "--input", dir, "--output", output);
            Assert.True(code == 0, err);
            Assert.True(File.Exists(output));
        }
        var logits = Npy.Read(Path.Combine(fx.Root, "out.npy"));
        Assert.Equal([4, 10], logits.Shape.ToArray());
        Assert.Equal(labels, logits.Argmax(1).ToIntArray());

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(fx.Root, "out.json")));
        Assert.Equal(4, json.RootElement.GetArrayLength());
        Assert.Equal("class0.png", json.RootElement[0].GetProperty("input").GetString());
        Assert.Equal(5, File.ReadAllLines(Path.Combine(fx.Root, "out.csv")).Length);
    }

    [Fact]
    public async Task PredictReadsNpyBatchesAndPrintsJson()
    {
        var rng = new Generator(5);
        var raw = new float[3 * 28 * 28];
        for (int i = 0; i < 3; i++)
            Array.Copy(SyntheticFashionMnist.Image(2 * i, rng).Select(b => (float)b).ToArray(), 0, raw, i * 784, 784);
        var path = Path.Combine(fx.Root, "batch.npy");
        Npy.Write(path, Tensor.FromArray(raw, 3, 28, 28));
        var (code, stdout, err) = await CliRun.Invoke("predict", "--model", fx.ModelDir, "--input", path, "--json", "--top", "2");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(3, json.RootElement.GetArrayLength());
        Assert.Equal(2, json.RootElement[1].GetProperty("top").GetArrayLength());
        Assert.Equal(2, json.RootElement[1].GetProperty("top")[0].GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task EvalPrintsMetricsAndConfusionMatrix()
    {
        var (code, stdout, err) = await CliRun.Invoke("eval", "--model", fx.ModelDir, "--data-dir", fx.DataDir);
        Assert.True(code == 0, err);
        Assert.Contains("accuracy", stdout);
        Assert.Contains("confusion matrix", stdout);
        Assert.Contains("macro avg", stdout);

        (code, stdout, err) = await CliRun.Invoke("eval", "--model", fx.ModelDir, "--data-dir", fx.DataDir, "--json");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("accuracy").GetDouble() >= 0.9);
        Assert.Equal(10, json.RootElement.GetProperty("confusion_matrix").GetArrayLength());
    }

    [Fact]
    public async Task ImagesOfAnotherSizeAreResizedForImageInputsAndRefusedForTensorInputs()
    {
        var path = Path.Combine(fx.Root, "big.png");
        PngEncoder.Write(path, new PngImage(32, 32, 1, new byte[32 * 32]));
        var (code, stdout, err) = await CliRun.Invoke("predict", "--model", fx.ModelDir, "--input", path, "--json");
        Assert.True(code == 0, err);
        Assert.Contains("big.png", stdout);

        // A model saved before input kinds has a tensor input: images must have its exact size.
        var legacy = Path.Combine(fx.Root, "legacy-model");
        Directory.CreateDirectory(legacy);
        foreach (var f in Directory.GetFiles(fx.ModelDir)) File.Copy(f, Path.Combine(legacy, Path.GetFileName(f)), overwrite: true);
        var spec = ModelFile.Load(legacy).Spec;
        File.WriteAllText(Path.Combine(legacy, ModelFile.SpecFileName), (spec with { Input = new InputSpec("image", spec.Input.Shape) }).ToJson());
        (code, _, err) = await CliRun.Invoke("predict", "--model", legacy, "--input", path);
        Assert.Equal(1, code);
        Assert.Contains("big.png is 32x32 but the model expects 28x28", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task MissingOrTruncatedModelFilesAreClearErrors()
    {
        var empty = Path.Combine(fx.Root, "empty-model");
        Directory.CreateDirectory(empty);
        var (code, _, err) = await CliRun.Invoke("predict", "--model", empty, "--input", fx.DataDir);
        Assert.Equal(1, code);
        Assert.Contains("model.json", err);

        var broken = Path.Combine(fx.Root, "truncated-model");
        Directory.CreateDirectory(broken);
        foreach (var f in Directory.GetFiles(fx.ModelDir)) File.Copy(f, Path.Combine(broken, Path.GetFileName(f)));
        var weights = Path.Combine(broken, ModelFile.WeightsFileName);
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        (code, _, err) = await CliRun.Invoke("predict", "--model", broken, "--input", fx.DataDir);
        Assert.Equal(1, code);
        Assert.Contains("truncated", err);
    }

    [Fact]
    public async Task MissingDataSetSaysHowToGetIt()
    {
        var (code, _, err) = await CliRun.Invoke("train", "--data-dir", Path.Combine(fx.Root, "nowhere"), "--epochs", "1",
            "--out", Path.Combine(fx.Root, "never"));
        Assert.NotEqual(0, code);
        Assert.Contains("--data-dir", err);
        Assert.False(Directory.Exists(Path.Combine(fx.Root, "never", "model.json")));
    }

    [Fact]
    public async Task TrainAcceptsAModelJsonAndAModelFolderToFineTune()
    {
        var specOnly = Path.Combine(fx.Root, "spec-only");
        Directory.CreateDirectory(specOnly);
        File.Copy(Path.Combine(fx.ModelDir, ModelFile.SpecFileName), Path.Combine(specOnly, "mlp.json"));
        var (code, _, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--model", Path.Combine(specOnly, "mlp.json"),
            "--epochs", "1", "--out", Path.Combine(fx.Root, "from-json"));
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(fx.Root, "from-json", ModelFile.WeightsFileName)));

        (code, var stdout, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--model", fx.ModelDir,
            "--epochs", "1", "--lr", "1e-4", "--out", Path.Combine(fx.Root, "fine-tuned"), "--json");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(stdout);
        // Starting from trained weights, the first epoch is already accurate.
        Assert.True(json.RootElement.GetProperty("epochs")[0].GetProperty("accuracy").GetDouble() >= 0.9);
    }

    [Fact]
    public async Task UnknownPresetAndBadOptionsAreUsageErrors()
    {
        var (code, _, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--model", "resnet9000", "--out", Path.Combine(fx.Root, "x"));
        Assert.Equal(2, code);
        Assert.Contains("mlp, cnn, cnn-bn", err);

        (code, _, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--epochs", "0", "--out", Path.Combine(fx.Root, "y"));
        Assert.Equal(2, code);
        Assert.Contains("--epochs must be >= 1", err);
    }

    [Fact]
    public async Task TrainFromRegisteredModel_FrozenBackbone_KeepsItsWeightsAndRecordsTheParent()
    {
        string outDir = Path.Combine(fx.Root, "transfer");
        var (code, _, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--from", "synthetic@1", "--freeze", "backbone",
            "--epochs", "1", "--out", outDir, "--json");
        Assert.True(code == 0, err);
        var parent = ModelFile.Load(fx.ModelDir);
        var child = ModelFile.Load(outDir);
        // The MLP's first Linear is backbone: bit-identical; its head (layer 5) was retrained.
        Assert.Equal(parent.Model.StateDict()["1.weight"].ToArray(), child.Model.StateDict()["1.weight"].ToArray());
        Assert.NotEqual(parent.Model.StateDict()["5.weight"].ToArray(), child.Model.StateDict()["5.weight"].ToArray());
        Assert.Equal("synthetic@1", child.Spec.Metadata!["parent_model"]!.GetValue<string>());
    }

    [Fact]
    public async Task TransferOptionsWithoutFrom_AreUsageErrors()
    {
        var (code, _, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--freeze", "backbone", "--out", Path.Combine(fx.Root, "z"));
        Assert.Equal(2, code);
        Assert.Contains("add --from MODEL", err);
    }
}
