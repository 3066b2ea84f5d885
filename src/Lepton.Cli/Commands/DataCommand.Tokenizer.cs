using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Lepton.Cli.Rendering;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Text.Tokenizers;
using Lepton.Registry;
using Lepton.Registry.Datasets.Text;
using Lepton.Registry.References;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    private static Command Tokenizer()
    {
        var reference = new Argument<string>("dataset") { Description = "The text data set version, NAME@VERSION (or NAME for the latest)." };
        var kind = new Option<string>("--kind") { Description = "bpe (byte-level, GPT-2 style; default) or wordpiece (BERT style).", DefaultValueFactory = _ => "bpe" };
        var vocab = new Option<int>("--vocab-size") { Description = "Tokens in the vocabulary, special tokens and alphabet included.", DefaultValueFactory = _ => 8000 };
        var minFrequency = new Option<int>("--min-frequency") { Description = "A pair seen fewer times than this is never merged.", DefaultValueFactory = _ => 2 };
        var cased = new Option<bool>("--cased") { Description = "WordPiece: keep case (default: lower-case, BERT uncased)." };
        var stripAccents = new Option<bool>("--strip-accents") { Description = "WordPiece: strip accents (NFD, marks dropped) as BERT uncased does." };
        var output = new Option<string>("--out") { Description = "Where to write tokenizer.json.", Required = true };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("tokenizer", """
            Train a tokenizer on a text data set version's training split (every text when it has no splits) and write it
            as Hugging Face's tokenizer.json; then encode every text of the version with it and report the speed. The same
            texts and options give the same file, byte for byte.

            Examples:
              lepton data tokenizer spam@2 --kind bpe --vocab-size 8000 --out tokenizer.json
              lepton data tokenizer reviews --kind wordpiece --vocab-size 16000 --out vocab/tokenizer.json --json
            """);
        cmd.Arguments.Add(reference);
        foreach (var o in new Option[] { kind, vocab, minFrequency, cased, stripAccents, output, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var tokenizerKind = p.GetValue(kind)!.Trim().ToLowerInvariant() switch
            {
                "bpe" or "byte-level-bpe" => TokenizerKind.ByteLevelBpe,
                "wordpiece" => TokenizerKind.WordPiece,
                var other => throw new ArgumentException($"--kind '{other}' is not bpe or wordpiece."),
            };
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var version = await DatasetReference.Parse(p.GetValue(reference)).ResolveAsync(registry.Store, ct);
            var corpus = await TextDatasets.LoadAsync(registry.Artifacts, version, ct);
            bool hasSplits = corpus.Manifest.Items.Any(i => i.Split is not null);
            var training = corpus.Texts(hasSplits ? ImageSplits.Train : null).Select(x => x.Text).ToList();
            var clock = Stopwatch.StartNew();
            var model = TokenizerTrainer.Train(training, new TokenizerTrainingOptions(tokenizerKind, p.GetValue(vocab), p.GetValue(minFrequency), !p.GetValue(cased), StripAccents: p.GetValue(stripAccents)), ct);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            var path = p.GetValue(output)!;
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
            var bytes = TokenizerJson.Write(model);
            await File.WriteAllBytesAsync(path, bytes, ct);
            // Encoding speed over every text of the version (ML.Tokenizers), and agreement with the reference on a sample.
            var all = corpus.Texts().Select(x => x.Text).ToList();
            long utf8 = all.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
            var fast = new TextTokenizer(model);
            clock.Restart();
            long tokens = 0;
            foreach (var t in all) tokens += fast.Encode(t).Count;
            double encodeSeconds = clock.Elapsed.TotalSeconds;
            var reference2 = new ReferenceEncoder(model);
            int sample = Math.Min(200, all.Count), agree = 0;
            for (int i = 0; i < sample; i++)
                if (fast.Encode(all[i * all.Count / Math.Max(1, sample)]).SequenceEqual(reference2.Encode(all[i * all.Count / Math.Max(1, sample)]))) agree++;
            var result = new
            {
                dataset = $"{version.Name}@{version.Version}", kind = tokenizerKind.ToString(), vocab_size = model.Vocab.Count, merges = model.Merges.Count,
                trained_on = hasSplits ? "train" : "all", training_texts = training.Count, train_seconds = Math.Round(trainSeconds, 2),
                output = path, output_bytes = bytes.Length,
                encoded_texts = all.Count, encoded_mb = Math.Round(utf8 / 1e6, 2), tokens, encode_seconds = Math.Round(encodeSeconds, 3),
                mb_per_second = Math.Round(utf8 / 1e6 / Math.Max(1e-9, encodeSeconds), 2),
                chars_per_token = Math.Round((double)all.Sum(t => (long)t.Length) / Math.Max(1, tokens), 2),
                reference_agreement = $"{agree}/{sample}",
            };
            if (p.GetValue(json)) { JsonOut.Write(result); return 0; }
            var c = AnsiConsole.Console;
            c.MarkupLine($"wrote [bold]{Markup.Escape(path)}[/]: {result.kind}, {result.vocab_size:N0} tokens, {result.merges:N0} merges, trained on {result.training_texts:N0} {result.trained_on} texts in {trainSeconds:N1} s");
            c.MarkupLine($"encoded {all.Count:N0} texts ({result.encoded_mb:N1} MB) into {tokens:N0} tokens in {encodeSeconds:N2} s: {result.mb_per_second:N1} MB/s, {result.chars_per_token:N2} characters per token; reference encoder agrees on {agree}/{sample}");
            return 0;
        }));
        return cmd;
    }
}
