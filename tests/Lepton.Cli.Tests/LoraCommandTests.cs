using System.Text.Json;
using Lepton.Compression.Lora;
using Lepton.Compression.Tests.Support;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton train --from MODEL --lora ...</c> and <c>lepton models adapters</c> on a tiny base and a shifted copy of its data.</summary>
[Collection("cli")]
public sealed class LoraCommandTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task TrainWithLora_TrainsAdaptersOnlyRegistersAndListsEveryAdapterOfTheBase()
    {
        string root = Path.Combine(fx.Root, "lora");
        string baseDir = ShiftedBlobs.TrainBase(Path.Combine(root, "base"));
        string data = ShiftedBlobs.Write(Path.Combine(root, "shifted"), shifted: true, seed: 21);
        var (code, _, err) = await CliRun.Invoke("models", "register", "blobs", "--from", baseDir);
        Assert.True(code == 0, err);

        (code, var stdout, err) = await CliRun.Invoke("train", "--data", data, "--from", "blobs@1", "--lora", "rank=4,alpha=8", "--epochs", "10",
            "--batch-size", "32", "--lr", "0.02", "--seed", "5", "--register", "blobs-shifted", "--json");
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var r = doc.RootElement;
            Assert.Equal("blobs-shifted@1", r.GetProperty("registered").GetString());
            Assert.Equal("blobs@1", r.GetProperty("base_model").GetString());
            Assert.Equal(4 * (8 + 32) + 4 * (32 + 3), r.GetProperty("trainable_parameters").GetInt64());
            // The adapter on its own: 300 float32 values and a small header.
            long bytes = r.GetProperty("adapter_bytes").GetInt64();
            Assert.InRange(bytes, 1200, 4096);
            double before = r.GetProperty("base_test_metrics").GetProperty("accuracy").GetDouble();
            double after = r.GetProperty("test_metrics").GetProperty("accuracy").GetDouble();
            Assert.True(after > 0.9 && before < 0.6, $"accuracy {before} → {after}");
            string dir = r.GetProperty("model_directory").GetString()!;
            Assert.True(LoraAdapterFile.Exists(dir));
            Assert.Equal(LoraAdapterFile.BaseWeightsHash(baseDir), LoraAdapterFile.ReadInfo(dir).BaseWeightsSha256);
        }

        // A second adapter of the same base, on the first layer only, under another name.
        (code, _, err) = await CliRun.Invoke("train", "--data", data, "--from", "blobs", "--lora", "rank=2,targets=0", "--epochs", "2",
            "--batch-size", "32", "--lr", "0.02", "--register", "blobs-first-layer", "--json");
        Assert.True(code == 0, err);

        (code, stdout, err) = await CliRun.Invoke("models", "adapters", "blobs@1", "--json");
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var listed = doc.RootElement.EnumerateArray().ToDictionary(a => a.GetProperty("model").GetString()!, a => a);
            Assert.Equal(["blobs-first-layer@1", "blobs-shifted@1"], listed.Keys.Order());
            Assert.Equal(2, listed["blobs-first-layer@1"].GetProperty("rank").GetInt32());
            Assert.Equal(["0"], listed["blobs-first-layer@1"].GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal(["0", "2"], listed["blobs-shifted@1"].GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
        }
        // An adapted model holds merged weights: no adapter was trained on those.
        (code, stdout, err) = await CliRun.Invoke("models", "adapters", "blobs-shifted@1");
        Assert.True(code == 0, err);
        Assert.Contains("No LoRA adapters", stdout);
    }

    [Theory]
    [InlineData("rank=0", "", "LoRA rank must be in [1, 1024]")]
    [InlineData("rank=4", "", "add --from MODEL")]
    [InlineData("rank=4,beta=2", "", "unknown setting 'beta=2'")]
    [InlineData("rank=4", "--freeze", "--freeze does not apply to --lora")]
    public async Task TrainWithLora_BadOptions_AreRefusedNamingTheFix(string lora, string extra, string expected)
    {
        var args = new List<string> { "train", "--data", Path.Combine(fx.Root, "nowhere"), "--lora", lora };
        if (extra == "--freeze") args.AddRange(["--from", fx.ModelDir, "--freeze", "backbone"]);
        else if (lora != "rank=4") args.AddRange(["--from", fx.ModelDir]);

        var (code, _, err) = await CliRun.Invoke([.. args]);

        Assert.Equal(CommandRunner.ExitUsage, code);
        Assert.Contains(expected, err);
    }
}
