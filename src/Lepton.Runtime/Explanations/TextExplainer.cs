using Lepton.Runtime.Text;

namespace Lepton.Runtime.Explanations;

/// <summary>One token of an explained text and how much it moved the explained class's probability (positive: it argued for the class).</summary>
public sealed record TokenAttribution(string Token, int Id, double Attribution, bool Special);

/// <summary>Why a text model decided: the explained class, the class probabilities and one attribution per token of the text.</summary>
public sealed record TextExplanation(int Class, string ClassName, IReadOnlyList<double> Probabilities, IReadOnlyList<TokenAttribution> Tokens)
{
    /// <summary>The method that made the attributions: occlusion of one token at a time.</summary>
    public string Method => "token-occlusion";
}

/// <summary>
/// Token attributions by occlusion (leave one token out): the text is run once as is and once per token with that token
/// taken out (its id replaced by the pad id and, for a model with a mask, its mask set to 0, so the model sees it as padding);
/// a token's attribution is the explained class's probability on the whole text minus the probability without it.
/// Occlusion, not integrated gradients, because it needs only forward passes through the served predictor: it explains
/// exactly what is served (int8, pruned, ONNX or ensemble alike), needs no second float copy of the network and no
/// embedding-layer hook, and T+1 rows batch well; its cost is linear in the token count, which <see cref="MaxTokens"/> bounds.
/// </summary>
public static class TextExplainer
{
    /// <summary>Rows per forward pass, so a long text's occluded copies never queue as one huge batch.</summary>
    public const int ChunkRows = 64;

    /// <summary>Tokens explained at most; a model's max_length is usually smaller.</summary>
    public const int MaxTokens = 1024;

    /// <summary>
    /// Explains <paramref name="text"/> for class <paramref name="cls"/> (null: the predicted class); <paramref name="infer"/> runs
    /// model inputs (N, ...) to outputs whose first is the class logits (N,K).
    /// </summary>
    public static async Task<TextExplanation> ExplainAsync(TextInputEncoder encoder, IReadOnlyList<string> classNames, string text,
        Func<TensorSet, CancellationToken, Task<TensorSet>> infer, int? cls = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(infer);
        int[] ids = encoder.Ids(text);
        if (ids.Length > MaxTokens)
            throw new ArgumentException($"The text has {ids.Length} tokens; explanations cover at most {MaxTokens}. Explain a shorter text.");
        bool empty = ids.Length == 0;
        if (empty) ids = [encoder.PadId];
        int t = ids.Length, rows = t + 1;
        // Row 0 is the text; row 1 + i lacks token i (special tokens stay: they carry no words, and models rely on them).
        var allIds = new int[rows * t];
        var mask = new float[rows * t];
        for (int r = 0; r < rows; r++)
        {
            ids.CopyTo(allIds, r * t);
            mask.AsSpan(r * t, t).Fill(empty ? 0f : 1f);
            int i = r - 1;
            if (i >= 0 && !encoder.IsSpecial(ids[i]))
            {
                allIds[r * t + i] = encoder.PadId;
                mask[r * t + i] = 0f;
            }
        }
        var probabilities = new double[rows][];
        for (int start = 0; start < rows; start += ChunkRows)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(ChunkRows, rows - start);
            var chunk = encoder.FromIds(allIds[(start * t)..((start + count) * t)], mask[(start * t)..((start + count) * t)], count);
            var logits = (await infer(chunk, ct).ConfigureAwait(false))[0].Contiguous().To(Lepton.Engine.DType.Float32);
            if (logits.Rank != 2 || logits.Shape[0] != count)
                throw new InvalidDataException($"Token occlusion needs class logits (N,K); the model answered {logits.Shape} for {count} rows.");
            int k = logits.Shape[1];
            var values = logits.ToArray();
            for (int i = 0; i < count; i++)
            {
                probabilities[start + i] = new double[k];
                Lepton.NN.Tasks.ScoreMath.Softmax(values.AsSpan(i * k, k), probabilities[start + i]);
            }
        }
        var whole = probabilities[0];
        int target = cls ?? Array.IndexOf(whole, whole.Max());
        if (target < 0 || target >= whole.Length)
            throw new ArgumentOutOfRangeException(nameof(cls), $"Class {target} is not one of the model's {whole.Length} classes (0..{whole.Length - 1}).");
        var tokens = new List<TokenAttribution>(t);
        if (!empty)
            for (int i = 0; i < t; i++)
            {
                bool special = encoder.IsSpecial(ids[i]);
                tokens.Add(new TokenAttribution(encoder.TokenText(ids[i]), ids[i], special ? 0 : whole[target] - probabilities[i + 1][target], special));
            }
        string name = target < classNames.Count ? classNames[target] : target.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Each token was occluded on its own; the pieces of a split character are then shown (and summed) as one.
        return WholeCharacterTokens.WholeCharacters(new TextExplanation(target, name, whole, tokens), encoder);
    }

    /// <summary>The same explanation with a loaded predictor run directly (the command line; the server goes through its batcher).</summary>
    public static Task<TextExplanation> ExplainAsync(IPredictor predictor, TextInputEncoder encoder, string text, int? cls = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        if (!predictor.Signature.IsClassifier)
            throw new InvalidDataException($"Token attributions explain classifiers; this model answers {predictor.Signature.Kind}.");
        return ExplainAsync(encoder, predictor.Signature.ClassNames, text, (x, _) => Task.FromResult(predictor.Predict(x)), cls, ct);
    }
}
