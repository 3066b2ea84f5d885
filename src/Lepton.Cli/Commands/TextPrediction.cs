using Lepton.Cli.Rendering;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Runtime.Text;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton predict</c> for a text model: texts tokenized by the model folder's own tokenizer, the task's answers out.</summary>
internal static class TextPrediction
{
    // Texts are encoded a chunk at a time so one long text pads only its own chunk, not the whole file.
    private const int ChunkRows = 64;

    /// <summary>The most texts one --input file may hold, so a stray binary file cannot fill memory line by line.</summary>
    public const int MaxTexts = 1_000_000;

    public static TextInputEncoder? Encoder(string folder, PredictorSignature signature) => TextInputEncoder.TryLoad(folder, signature);

    /// <summary>The texts of --text options, or the lines of the --input file (blank lines skipped), with their display names.</summary>
    public static (IReadOnlyList<string> Texts, IReadOnlyList<string> Names) Texts(string[] texts, string? input)
    {
        if (texts.Length > 0 && input is not null)
            throw new ArgumentException("Give texts with --text or a file with --input, not both.");
        if (texts.Length > 0)
            return (texts, [.. texts.Select(Preview)]);
        if (input is null)
            throw new ArgumentException("This is a text model: give --text \"...\" (repeatable) or --input FILE with one text per line.");
        if (Directory.Exists(input))
            throw new ArgumentException($"--input {Path.GetFileName(input)} is a folder; a text model reads a UTF-8 file with one text per line.");
        if (!File.Exists(input)) throw new FileNotFoundException($"--input {input}: no such file.");
        var lines = new List<string>();
        var names = new List<string>();
        int number = 0;
        foreach (var line in File.ReadLines(input))
        {
            number++;
            if (line.Length > TextInputEncoder.MaxTextChars)
                throw new InvalidDataException($"{Path.GetFileName(input)} line {number} has {line.Length:N0} characters, more than {TextInputEncoder.MaxTextChars:N0}; is it a text file with one text per line?");
            if (line.Contains('\0'))
                throw new InvalidDataException($"{Path.GetFileName(input)} line {number} holds a NUL character: the file is not UTF-8 text. Give one text per line.");
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (lines.Count == MaxTexts)
                throw new InvalidDataException($"{Path.GetFileName(input)} holds more than {MaxTexts:N0} texts; split it into several files.");
            lines.Add(line);
            names.Add($"{number}: {Preview(line)}");
        }
        if (lines.Count == 0) throw new InvalidDataException($"{Path.GetFileName(input)} holds no texts; write one text per line.");
        return (lines, names);
    }

    public static int Run(IPredictor predictor, TextInputEncoder encoder, (IReadOnlyList<string> Texts, IReadOnlyList<string> Names) input, int top, string? output, bool json,
        string? folder = null)
    {
        var parts = new List<Tensor>();
        for (int start = 0; start < input.Texts.Count; start += ChunkRows)
        {
            var chunk = input.Texts.Skip(start).Take(ChunkRows).ToArray();
            var encoded = encoder.Encode(chunk);
            var raw = Enumerable.Range(0, encoded.Count).Select(i => encoded[i]).ToArray();
            parts.Add(predictor.FirstOutput(raw));
        }
        var outputs = parts.Count == 1 ? parts[0] : Tensor.Concat(parts, 0);
        return PredictCommand.WriteAnswers(predictor, outputs, input.Names, top, output, json, folder is null ? null : PredictedIntervals.Of(folder, predictor.Signature, outputs));
    }

    private static string Preview(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 40 ? flat : flat[..37] + "...";
    }
}
