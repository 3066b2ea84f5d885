using Lepton.Engine;
using Lepton.Runtime.Text;

namespace Lepton.Reports.Evaluation.Text;

/// <summary>
/// Texts as report examples: each model gets the token ids (and mask) its own tokenizer makes of the text, exactly as
/// <c>lepton predict</c> and the server encode it (<see cref="TextInputEncoder"/>); sliced by script (when the texts have
/// several) and by length in characters and in the first model's tokens; shown as the text with its tokens highlighted.
/// </summary>
public sealed class TextExamples : IReportExamples
{
    private readonly IReadOnlyList<string> _texts;
    private readonly int[] _labels;

    /// <param name="texts">The texts as the data set stores them (already normalized by the import).</param>
    /// <param name="labels">Each text's class id into <paramref name="classNames"/>.</param>
    public TextExamples(IReadOnlyList<string> texts, IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (texts.Count != labels.Count) throw new ArgumentException($"TextExamples: {texts.Count} texts and {labels.Count} labels; give one label per text.");
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] < 0 || labels[i] >= classNames.Count)
                throw new ArgumentException($"TextExamples: text {i} has class id {labels[i]}, but there are {classNames.Count} classes.");
        _texts = texts;
        _labels = [.. labels];
        ClassNames = classNames;
    }

    public string Kind => "text";

    public int Count => _texts.Count;

    public IReadOnlyList<string> ClassNames { get; }

    public string SlicesNote => "by its script (when the texts have several) and by quartile of its length in characters and in tokens (the first model's tokenizer)";

    /// <summary>Text <paramref name="index"/> as stored.</summary>
    public string Text(int index) => _texts[index];

    public IReportReader Open(IReadOnlyList<ScoredModel> models) => new Reader(this, [.. models.Select(EncoderOf)]);

    public IExampleViews Views(ScoredModel? model) => new TextViews(this, model, model is null ? null : EncoderOf(model));

    /// <summary>The model's text encoder from its folder; an error says why a model cannot read texts.</summary>
    internal static TextInputEncoder EncoderOf(ScoredModel model)
    {
        if (model.Folder is null)
            throw new ArgumentException($"{model.Name}: a text report needs the model's folder, where its tokenizer.json lives.");
        return TextInputEncoder.TryLoad(model.Folder, model.Predictor.Signature)
               ?? throw new InvalidDataException($"{model.Name} is not a text model (its folder has no tokenizer.json); evaluate it on the kind of data it was trained on.");
    }

    private sealed class Reader(TextExamples examples, TextInputEncoder[] encoders) : IReportReader
    {
        public IReadOnlyList<NumericStatisticName> Numeric { get; } = [new("length (characters)", "0"), new("length (tokens)", "0")];

        public IReadOnlyList<string> Categorical { get; } = ["script"];

        public ReportBatch Read(int[] indices)
        {
            int n = indices.Length;
            var chars = new double[n];
            var tokens = new double[n];
            var scripts = new string[n];
            var inputs = new IReadOnlyList<Tensor>[encoders.Length];
            for (int m = 0; m < encoders.Length; m++)
            {
                var encoder = encoders[m];
                // One tokenization per text and model, padded to the batch's longest as TextInputEncoder.Encode pads.
                var rows = new int[n][];
                int t = 1;
                for (int i = 0; i < n; i++)
                {
                    rows[i] = encoder.Ids(examples._texts[indices[i]]);
                    t = Math.Max(t, rows[i].Length);
                    if (m == 0) tokens[i] = rows[i].Count(id => !encoder.IsSpecial(id));
                }
                var ids = new int[n * t];
                var mask = new float[n * t];
                Array.Fill(ids, encoder.PadId);
                for (int i = 0; i < n; i++)
                {
                    rows[i].CopyTo(ids, i * t);
                    mask.AsSpan(i * t, rows[i].Length).Fill(1f);
                }
                var set = encoder.FromIds(ids, mask, n); // ids: (N,T), mask: (N,T)
                inputs[m] = [.. Enumerable.Range(0, set.Count).Select(j => set[j])];
            }
            var labels = new int[n];
            for (int i = 0; i < n; i++)
            {
                string text = examples._texts[indices[i]];
                labels[i] = examples._labels[indices[i]];
                chars[i] = text.Length;
                scripts[i] = TextScripts.Dominant(text);
            }
            return new ReportBatch(labels, inputs, Preprocess: false, [chars, tokens], [scripts]);
        }
    }
}
