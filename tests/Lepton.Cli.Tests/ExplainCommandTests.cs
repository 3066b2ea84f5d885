using System.Text.Json;
using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton explain</c> on the shared trained MLP: no conv layer, so saliency and occlusion only, said plainly.</summary>
[Collection("cli")]
public sealed class ExplainCommandTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task Explain_Mlp_WritesSaliencyAndOcclusionPng_AndSaysWhyNoGradCam()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        string input = Path.Combine(fx.Root, "explain-input.png");
        PngEncoder.Write(input, new PngImage(28, 28, 1, SyntheticFashionMnist.Image(3, new Generator(99))));
        string output = Path.Combine(fx.Root, "explain", "why.png");
        var (code, stdout, err) = await CliRun.Invoke("explain", "--model", "synthetic@1", "--input", input, "--out", output, "--json");
        Assert.True(code == 0, err);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(3, json.GetProperty("class_id").GetInt32());
        Assert.Equal(["saliency", "occlusion"], json.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains("no Conv2d layer", json.GetProperty("grad_cam_unavailable").GetString());
        var png = Lepton.Data.Images.ImageToTensor.Decode(await File.ReadAllBytesAsync(output), "why.png");
        // 28 px scaled ×5 to 140; three panels with two 4 px gaps.
        Assert.Equal((3 * 140 + 2 * 4, 140), (png.Width, png.Height));

        (code, _, err) = await CliRun.Invoke("explain", "--model", "synthetic@1", "--input", input, "--class", "no-such-class");
        Assert.NotEqual(0, code);
        Assert.Contains("no-such-class", err);
    }
}

/// <summary><c>lepton explain --text</c> on a text model folder: token attributions in JSON and an HTML page with highlighted tokens.</summary>
[Collection("cli")]
public sealed class ExplainTextCommandTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task ExplainText_WritesHighlightedHtml_AndTokenAttributions()
    {
        string[] corpus = ["win a free prize now", "meeting moved to friday", "free pills cheap", "the invoice is attached"];
        var tokenizer = new Lepton.Data.Text.Tokenizers.TextTokenizer(Lepton.Data.Text.Tokenizers.TokenizerTrainer.Train(corpus,
            new Lepton.Data.Text.Tokenizers.TokenizerTrainingOptions(Lepton.Data.Text.Tokenizers.TokenizerKind.ByteLevelBpe, 300, MinFrequency: 1)));
        string folder = Path.Combine(fx.Root, "text-model");
        Lepton.Runtime.Text.TextModelFolder.Save(folder, Lepton.NN.Presets.TextPresets.Build("text-bow", tokenizer.Model.Vocab.Count, 2, 16, new Generator(3)),
            tokenizer, ["ham", "spam"], maxLength: 16, normalization: "nfc");
        string output = Path.Combine(fx.Root, "explain-text", "why.html");
        var (code, stdout, err) = await CliRun.Invoke("explain", "--model", folder, "--text", "win a <free> prize", "--out", output, "--json");
        Assert.True(code == 0, err + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("token-occlusion", json.GetProperty("method").GetString());
        var tokens = json.GetProperty("tokens").EnumerateArray().ToArray();
        Assert.Equal("win a <free> prize", string.Concat(tokens.Select(t => t.GetProperty("token").GetString())));
        string html = File.ReadAllText(output);
        Assert.Contains("&lt;", html);
        Assert.DoesNotContain("<free>", html);
        Assert.Contains("background:rgba(", html);

        (code, _, err) = await CliRun.Invoke("explain", "--model", folder, "--text", "hello", "--out", Path.Combine(fx.Root, "x.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("name it .html", err);
    }
}
