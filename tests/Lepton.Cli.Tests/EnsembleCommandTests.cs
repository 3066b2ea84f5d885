using System.Text.Json;
using Lepton.Compression.Tests.Support;
using Lepton.Data.Formats;
using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton models ensemble</c>: two registered MLPs made one version, predicted through, and members that do not fit refused.</summary>
[Collection("cli")]
public sealed class EnsembleCommandTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task ModelsEnsemble_RegistersAVersionWhosePredictionsAreTheMembersMeanProbabilities()
    {
        string root = Path.Combine(fx.Root, "ensemble");
        string a = ShiftedBlobs.TrainBase(Path.Combine(root, "a"), seed: 1), b = ShiftedBlobs.TrainBase(Path.Combine(root, "b"), seed: 2);
        foreach (var (name, dir) in new[] { ("blob-a", a), ("blob-b", b) })
        {
            var (c, _, e) = await CliRun.Invoke("models", "register", name, "--from", dir);
            Assert.True(c == 0, e);
        }

        var (code, stdout, err) = await CliRun.Invoke("models", "ensemble", "blob-vote", "--of", "blob-a@1, blob-b", "--vote", "soft", "--json");
        Assert.True(code == 0, err);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal("blob-vote@1", doc.RootElement.GetProperty("registered").GetString());
            Assert.Equal(["blob-a@1", "blob-b@1"], doc.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("reference").GetString()));
        }

        var x = ShiftedBlobs.Make(5, shifted: false, new Generator(8)).X;
        string input = Path.Combine(root, "x.npy");
        Npy.Write(input, x);
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "blob-vote", "--input", input, "--top", "3", "--json");
        Assert.True(code == 0, err);
        var pa = ModelFile.Load(a).Model.Forward(x).Softmax(-1).ToArray();
        var pb = ModelFile.Load(b).Model.Forward(x).Softmax(-1).ToArray();
        using var answers = JsonDocument.Parse(stdout);
        Assert.Equal(5, answers.RootElement.GetArrayLength());
        for (int r = 0; r < 5; r++)
            foreach (var top in answers.RootElement[r].GetProperty("top").EnumerateArray())
            {
                int k = top.GetProperty("index").GetInt32();
                Assert.Equal((pa[r * 3 + k] + pb[r * 3 + k]) / 2, top.GetProperty("probability").GetDouble(), 5);
            }

        (code, stdout, err) = await CliRun.Invoke("models", "show", "blob-vote@1");
        Assert.True(code == 0, err);
        Assert.Contains("ensemble (soft vote) of blob-a@1, blob-b@1", stdout);

        // ONNX export takes one network: an ensemble is refused naming its members and what to do instead.
        (code, _, err) = await CliRun.Invoke("export", "onnx", "blob-vote@1", "--out", Path.Combine(root, "vote.onnx"));
        Assert.NotEqual(0, code);
        Assert.Contains("is an ensemble of blob-a@1, blob-b@1", err);
        Assert.Contains("lepton export onnx blob-a@1", err);
        Assert.DoesNotContain("weights.safetensors", err);
    }

    [Fact]
    public async Task ModelsEnsemble_MembersWithOtherInputsOrTooFew_AreRefusedNamingTheFix()
    {
        string dir = ShiftedBlobs.TrainBase(Path.Combine(fx.Root, "ensemble-mismatch", "blob"), seed: 3);
        var (code, _, err) = await CliRun.Invoke("models", "register", "blob-c", "--from", dir);
        Assert.True(code == 0, err);

        // The fixture's "synthetic" model takes 28x28 images; blob-c takes 8 features.
        (code, _, err) = await CliRun.Invoke("models", "ensemble", "mixed", "--of", "synthetic@1,blob-c@1");
        Assert.Equal(CommandRunner.ExitUsage, code);
        Assert.Contains("must share the input signature", err);
        Assert.Contains("blob-c@1 takes input float32 [8]", err);

        (code, _, err) = await CliRun.Invoke("models", "ensemble", "alone", "--of", "blob-c@1");
        Assert.Equal(CommandRunner.ExitUsage, code);
        Assert.Contains("at least 2", err);

        (code, _, err) = await CliRun.Invoke("models", "ensemble", "twice", "--of", "blob-c@1,blob-c", "--vote", "soft");
        Assert.NotEqual(0, code);
        Assert.Contains("list each member once", err);

        (code, _, err) = await CliRun.Invoke("models", "ensemble", "avg", "--of", "blob-c@1,synthetic@1", "--vote", "median");
        Assert.Equal(CommandRunner.ExitUsage, code);
        Assert.Contains("use soft", err);
    }
}
