using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Graph;
using Lepton.NN.Losses;
using Lepton.NN.Presets;
using Lepton.NN.Serialization;
using Lepton.NN.Tests.Support;

namespace Lepton.NN.Tests;

/// <summary>
/// Whole text models move between Lepton and PyTorch (fixtures from tools/fixtures/nn_text_interop.py): a text-lstm and a
/// text-transformer trained in Lepton (weights committed by this class's generator) give PyTorch's logits for the same
/// padded batch, and the same architectures trained in PyTorch give PyTorch's logits in Lepton. Max |logit diff| ≤ 1e-4.
/// </summary>
public sealed class TextInteropTests
{
    private const double Tolerance = 1e-4;
    private const int Vocab = 50, Classes = 3, MaxLength = 16;
    // Read on use so the generator below runs before the fixture exists.
    private static System.Text.Json.Nodes.JsonObject Json => Fixtures.Json("interop/text_interop.json");

    [Theory]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    public void LeptonTrainedTextModel_GivesPyTorchsLogitsForTheSameWeights(string preset)
    {
        var model = Load(preset, $"interop/lepton_{Stem(preset)}.safetensors");
        var logits = Logits(model);
        Assert.InRange(Close.MaxAbsDiff(Fixtures.Tensor(Json[$"lepton_{Stem(preset)}_logits_by_torch"]), logits), 0, Tolerance);
    }

    [Theory]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    public void PyTorchTrainedTextModel_GivesTheSameLogitsInLepton(string preset)
    {
        var model = Load(preset, $"interop/torch_{Stem(preset)}.safetensors");
        var logits = Logits(model);
        Assert.InRange(Close.MaxAbsDiff(Fixtures.Tensor(Json[$"torch_{Stem(preset)}_logits"]), logits), 0, Tolerance);
    }

    [Theory]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    public void PyTorchTrainedTextModel_ClassifiesTheKeywordTaskInLepton(string preset)
    {
        // The torch-trained weights learned the same keyword task this class trains on; Lepton must read them as torch does.
        var model = Load(preset, $"interop/torch_{Stem(preset)}.safetensors");
        Assert.True(Accuracy(model, KeywordTask.Batch(new Random(99), 96)) >= 0.9, "torch-trained weights lost their accuracy in Lepton");
    }

    /// <summary>
    /// Trains the preset in Lepton on the keyword task; with LEPTON_UPDATE_FIXTURES=1 writes the weights PyTorch reads
    /// (then rerun tools/fixtures/nn_text_interop.py). Either way the trained model must classify held-out texts.
    /// </summary>
    [Theory]
    [InlineData("text-lstm")]
    [InlineData("text-transformer")]
    public void LeptonTraining_LearnsTheKeywordTask(string preset)
    {
        var model = TextPresets.Build(preset, Vocab, Classes, MaxLength, new Generator(7));
        var rng = new Random(7);
        model.Train();
        for (int step = 0; step < 80; step++)
        {
            var (ids, mask, labels) = KeywordTask.Batch(rng, 32);
            var loss = CrossEntropyLoss.Apply(model.ForwardMany([ids, mask])[0], labels);
            var grads = loss.Backward();
            foreach (var p in model.Parameters())
            {
                var g = grads[p.Value];
                if (g is null) continue;
                var w = p.Value.ToArray();
                var gw = g.ToArray();
                for (int i = 0; i < w.Length; i++) w[i] -= 0.5f * gw[i];
                p.Assign(Tensor.FromArray(w, p.Shape.ToArray()));
            }
        }
        model.Eval();
        Assert.True(Accuracy(model, KeywordTask.Batch(new Random(99), 96)) >= 0.9, $"{preset} did not learn the keyword task");
        if (Environment.GetEnvironmentVariable("LEPTON_UPDATE_FIXTURES") == "1")
            SafetensorsWriter.Write(Fixtures.PathOf($"interop/lepton_{Stem(preset)}.safetensors"), model.StateDict());
    }

    private static string Stem(string preset) => preset.Replace('-', '_');

    private static GraphModel Load(string preset, string weights)
    {
        var model = TextPresets.Build(preset, Vocab, Classes, MaxLength, new Generator(0));
        ModelFile.LoadWeights(model, SafetensorsReader.Read(Fixtures.PathOf(weights)));
        model.Eval();
        return model;
    }

    // The fixture batch: ids (4,9) Int32 with rows of 9, 6, 3 and 1 real tokens, mask (4,9) 1 on real tokens.
    private static Tensor Logits(GraphModel model)
    {
        using var _ = new NoGrad();
        var ids = Fixtures.Tensor(Json["ids"], DType.Int32);
        var mask = Fixtures.Tensor(Json["mask"]);
        return model.ForwardMany([ids, mask])[0];
    }

    private static double Accuracy(GraphModel model, (Tensor Ids, Tensor Mask, Tensor Labels) batch)
    {
        using var _ = new NoGrad();
        var logits = model.ForwardMany([batch.Ids, batch.Mask])[0].ToArray();
        var labels = batch.Labels.ToIntArray();
        int right = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < Classes; c++)
                if (logits[i * Classes + c] > logits[i * Classes + best]) best = c;
            if (best == labels[i]) right++;
        }
        return (double)right / labels.Length;
    }

    /// <summary>
    /// Texts of 3 to 12 tokens from ids 2..49 (0 pads): class c opens with two tokens of its range 2+16c..17+16c, and three
    /// quarters of the rest come from that range, a quarter from another class's. nn_text_interop.py trains PyTorch on the same task.
    /// </summary>
    private static class KeywordTask
    {
        public static (Tensor Ids, Tensor Mask, Tensor Labels) Batch(Random rng, int n)
        {
            const int t = 12;
            var ids = new int[n * t];
            var mask = new float[n * t];
            var labels = new int[n];
            for (int i = 0; i < n; i++)
            {
                int c = rng.Next(Classes), length = 3 + rng.Next(t - 2);
                labels[i] = c;
                for (int j = 0; j < length; j++)
                {
                    int other = (c + 1 + rng.Next(Classes - 1)) % Classes;
                    ids[i * t + j] = j < 2 ? 2 + 16 * c + rng.Next(16) : rng.Next(4) == 0 ? 2 + 16 * other + rng.Next(16) : 2 + 16 * c + rng.Next(16);
                    mask[i * t + j] = 1;
                }
            }
            return (Tensor.FromArray(ids, n, t), Tensor.FromArray(mask, n, t), Tensor.FromArray(labels, n));
        }
    }
}
