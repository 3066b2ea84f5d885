using Lepton.Data.Text.Tokenizers;
using Lepton.Engine;
using Lepton.NN.Presets;
using Lepton.Runtime.Text;

namespace Lepton.Reports.Tests;

/// <summary>
/// Test-made texts and text classifiers whose decisions are known: a text-bow model (mean of token vectors, then Linear) whose
/// weights are all zero but for one embedding row per keyword, so the spam logit is a sum of weight × share of the text's
/// token and bigram rows that are that keyword; every other word moves nothing, and a keyword's attribution is its own.
/// </summary>
public static class TextModels
{
    public static readonly string[] HamWords = ["meeting", "friday", "invoice", "report", "lunch", "team", "project", "schedule", "notes", "call"];

    public static readonly string[] SpamWords = ["prize", "offer", "cheap", "click", "winner", "money", "deal"];

    public static readonly string[] CyrillicWords = ["встреча", "пятница", "отчёт", "команда", "проект"];

    public static readonly string[] Classes = ["ham", "spam"];

    /// <summary>
    /// <paramref name="count"/> labelled texts (class ids into <see cref="Classes"/>): spam texts mostly carry "free" or "win", a few
    /// ham texts carry "free" (mistakes to find), a tenth of ham texts are Cyrillic.
    /// </summary>
    public static (List<string> Texts, List<int> Labels) Make(int count, int seed)
    {
        var rng = new Random(seed);
        var texts = new List<string>(count);
        var labels = new List<int>(count);
        for (int i = 0; i < count; i++)
        {
            int y = rng.Next(2);
            bool cyrillic = y == 0 && rng.NextDouble() < 0.1;
            var pool = cyrillic ? CyrillicWords : y == 0 ? HamWords : SpamWords;
            var words = Enumerable.Range(0, 3 + rng.Next(8)).Select(_ => pool[rng.Next(pool.Length)]).ToList();
            double keyword = rng.NextDouble();
            if (y == 1 && keyword < 0.5) words.Insert(rng.Next(words.Count + 1), "free");
            else if (y == 1 && keyword < 0.85) words.Insert(rng.Next(words.Count + 1), "win");
            else if (y == 0 && !cyrillic && keyword < 0.06) words.Insert(rng.Next(words.Count + 1), "free");
            texts.Add(string.Join(' ', words));
            labels.Add(y);
        }
        return (texts, labels);
    }

    /// <summary>A WordPiece tokenizer that knows every word of <see cref="Make"/> as one token.</summary>
    public static TextTokenizer Tokenizer()
    {
        string[] corpus = [.. HamWords, .. SpamWords, .. CyrillicWords, "free", "win", string.Join(' ', HamWords), string.Join(' ', SpamWords)];
        return new TextTokenizer(TokenizerTrainer.Train(corpus, new TokenizerTrainingOptions(TokenizerKind.WordPiece, 300, MinFrequency: 1)));
    }

    /// <summary>Writes a text model folder whose spam logit is Σ weight[w] × (share of the text's rows that are keyword w).</summary>
    public static string WriteModel(string folder, TextTokenizer tokenizer, IReadOnlyDictionary<string, float> keywordWeights, int maxLength = 64)
    {
        int vocab = tokenizer.Model.Vocab.Count;
        var model = TextPresets.Build("text-bow", vocab, Classes.Length, rng: new Generator(1));
        var state = new Dictionary<string, Tensor>();
        int slot = 0;
        var bagWeight = model.StateDict().Single(p => p.Key.EndsWith("weight", StringComparison.Ordinal) && p.Value.Rank == 2 && p.Value.Shape[0] > vocab - 1);
        var fcWeight = model.StateDict().Single(p => p.Key.EndsWith("weight", StringComparison.Ordinal) && p.Value.Rank == 2 && p.Value.Shape[0] == Classes.Length);
        int dim = bagWeight.Value.Shape[1];
        var bag = new float[bagWeight.Value.Shape[0] * dim];
        var fc = new float[Classes.Length * dim];
        foreach (var (word, weight) in keywordWeights)
        {
            int id = tokenizer.Model.Id(word);
            bag[id * dim + slot] = 1f;      // keyword w lights feature `slot`
            fc[1 * dim + slot] = weight;     // which adds `weight` per unit share to the spam logit
            slot++;
        }
        foreach (var (name, value) in model.StateDict())
            state[name] = name == bagWeight.Key ? Tensor.FromArray(bag, value.Shape.ToArray())
                : name == fcWeight.Key ? Tensor.FromArray(fc, value.Shape.ToArray())
                : Tensor.Zeros(value.Shape);
        model.LoadStateDict(state);
        TextModelFolder.Save(folder, model, tokenizer, Classes, maxLength, "nfc");
        return folder;
    }
}
