using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Data.Images;
using Lepton.Data.Formats;
using Lepton.Data.Inputs;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Runtime;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton predict</c>: run a saved model on .npy arrays, images, IDX files, or texts for a text model.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A registered model (name, name@3, name@production) or a model folder.", Required = true };
        var store = RegistryOptions.Store();
        var input = new Option<string?>("--input") { Description = "A .npy, image or IDX file, or a folder of them; for a text model, a UTF-8 file with one text per line; for a table model, rows.csv (.tsv, .parquet, .xlsx) or rows.jsonl; for an audio model, a WAV file or a folder of them." };
        var text = new Option<string[]>("--text") { Description = "For a text model: a text to classify (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--output") { Description = "Write results to out.json (top classes + logits), out.npy (logits) or out.csv (probabilities)." };
        var top = new Option<int>("--top") { Description = "How many classes to show per input.", DefaultValueFactory = _ => 3 };
        var noPre = new Option<bool>("--no-preprocess") { Description = "Inputs are already model inputs: skip the model's scaling and normalization." };
        var encoding = new Option<string?>("--encoding") { Description = "For a table model's CSV --input: its character encoding (default UTF-8), e.g. windows-1252; a scored CSV is written in it too." };
        var table = new Option<string?>("--table") { Description = "With --output postgres://user@host:5432/db: the new table a table model's scored rows are written into (NAME or SCHEMA.NAME), in one transaction (--append: an existing one)." };
        var replace = new Option<bool>("--replace") { Description = "With --table: drop a table of that name first, in the same transaction (else it is refused)." };
        var append = new Option<bool>("--append") { Description = "With --table: add the scored rows to that existing table (each column must be there; the table's types are kept), in one transaction." };
        var query = new Option<string?>("--query") { Description = "For a table model: score the rows of this SELECT, with the PostgreSQL database's URL as --input (postgres://user@host:5432/db), into --output rows.csv|rows.json." };
        var data = new Option<string?>("--data") { Description = "For a table model: score the rows of this table data set version (NAME@V) instead of --input's; --rows picks which." };
        var rows = new Option<string>("--rows") { Description = "With --data: all, unlabelled (the rows without a label: the rows to forecast), train, validation or test.", DefaultValueFactory = _ => "all" };
        var contributions = new Option<bool>("--contributions") { Description = "For a table model with --output rows.csv|rows.json: also each column's contribution to the answer (TreeSHAP, exact linear, integrated gradients)." };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var cmd = new Command("predict", "Predict classes for input files.\n\n" +
                                         "Examples:\n  lepton predict --model .lepton/models/cnn --input samples/ --output predictions.csv\n" +
                                         "  lepton predict --model reviews --text \"great value, works well\" --text \"broke in a week\"\n" +
                                         "  lepton predict --model keywords@production --input clip.wav\n" +
                                         "  lepton predict --model churn@production --input customers.csv\n" +
                                         "  lepton predict --model sales@production --data sales@3 --rows unlabelled --output forecast.csv\n" +
                                         "  lepton predict --model churn@production --input postgres://analyst@db/shop --query \"SELECT * FROM customers\" --output scored.csv\n" +
                                         "  lepton predict --model churn@production --input postgres://analyst@db/shop --query \"SELECT * FROM customers\" --output postgres://analyst@db/shop --table churn_scores\n" +
                                         "  lepton predict --model churn@production --input postgres://analyst@db/shop --query \"SELECT * FROM new_customers\" --output postgres://analyst@db/shop --table churn_scores --append");
        foreach (var o in new Option[] { model, input, text, output, top, noPre, contributions, encoding, query, table, replace, append, data, rows, store, threads, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            if (p.GetValue(table) is null && (p.GetValue(replace) || p.GetValue(append)))
                throw new ArgumentException($"{(p.GetValue(append) ? "--append" : "--replace")} says what to do with the database table the scored rows go into: name it with --table NAME and give the database as --output.");
            var resolved = await ModelResolution.ResolveAsync(p.GetValue(model)!, p.GetValue(store), ct);
            // Any model kind the runtime knows, loaded and prepared for inference.
            using var predictor = CliPredictors.Load(resolved.Folder, p.GetValue(store));
            var signature = predictor.Signature;
            var texts = p.GetValue(text) ?? [];
            if (TextPrediction.Encoder(resolved.Folder, signature) is { } encoder)
                return TextPrediction.Run(predictor, encoder, TextPrediction.Texts(texts, p.GetValue(input)), p.GetValue(top), p.GetValue(output), p.GetValue(json), resolved.Folder);
            if (TablePrediction.Encoder(resolved.Folder, signature) is { } tableEncoder && texts.Length == 0)
                return TablePrediction.Run(predictor, tableEncoder, p.GetValue(input), p.GetValue(top), p.GetValue(output), p.GetValue(json), p.GetValue(contributions), p.GetValue(encoding), resolved.Folder,
                    p.GetValue(query), p.GetValue(table) is { } name ? new TablePrediction.DatabaseTable(name, p.GetValue(replace), p.GetValue(append)) : null,
                    p.GetValue(data) is { } reference ? await TablePrediction.VersionRowsAsync(p.GetValue(store), reference, p.GetValue(rows)!, ct) : null);
            if (p.GetValue(data) is not null)
                throw new ArgumentException("--data scores a table data set version's rows; this model does not read tables.");
            if (p.GetValue(query) is not null)
                throw new ArgumentException("--query gives a table model the rows of a PostgreSQL query; this model does not read tables.");
            if (p.GetValue(contributions))
                throw new ArgumentException("--contributions explains a table model's rows; for this model use lepton explain.");
            if (texts.Length == 0 && AudioPrediction.Encoder(resolved.Folder, signature) is { } audio)
                return AudioPrediction.Run(predictor, audio, AudioPrediction.Files(p.GetValue(input)), p.GetValue(top), p.GetValue(output), p.GetValue(json), resolved.Folder);
            if (texts.Length > 0)
                throw new ArgumentException("--text needs a text model (one trained on a text data set, with tokenizer.json in its folder); give this model --input files.");
            if (p.GetValue(input) is null)
                throw new ArgumentException("--input is required: a .npy, image or IDX file, or a folder of them.");
            if (signature.Kind != OutputKind.ClassLogits || signature.Inputs.Count > 1)
                return PredictAnswers(predictor, p.GetValue(input)!, p.GetValue(top), !p.GetValue(noPre), p.GetValue(output), p.GetValue(json));
            // An image input resizes files of any size by its policy; a tensor input takes images of its exact size only.
            var inputs = PredictionInputs.Load(p.GetValue(input)!, predictor.ExampleShape(), signature.Inputs[0].Image ?? ResizePolicy.Exact);
            var predictions = predictor.PredictClasses(inputs, p.GetValue(top), preprocess: !p.GetValue(noPre));
            // A classifier given prediction sets (lepton models intervals) shows each image's set beside its top classes.
            var conformal = predictions.Count == 0 ? null : PredictedIntervals.Of(resolved.Folder, signature,
                Tensor.FromArray([.. predictions.SelectMany(x => x.Logits)], predictions.Count, predictions[0].Logits.Length));
            if (p.GetValue(output) is { } path)
            {
                PredictionWriter.Write(path, predictions, predictor.Signature.ClassNames, conformal);
                if (!p.GetValue(json)) Console.WriteLine($"wrote {predictions.Count} prediction(s) to {path}");
            }
            if (p.GetValue(json)) PredictionView.WriteJson(predictions, conformal);
            else PredictionView.Write(predictions, conformal: conformal, written: p.GetValue(output));
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// Models that are not plain classifiers (binary, multi-label, regression) or take several inputs (a folder with one
    /// .npy per input): their task's answers, or the first output's values for a model without a task.
    /// </summary>
    private static int PredictAnswers(IPredictor predictor, string input, int top, bool preprocess, string? output, bool json)
    {
        var signature = predictor.Signature;
        IReadOnlyList<Tensor> raw;
        IReadOnlyList<string> names;
        if (signature.Inputs.Count > 1)
            (raw, names) = PredictionInputs.LoadArrays(input, [.. signature.Inputs.Select(i => (i.Name, new Shape(i.ExampleShape)))]);
        else
        {
            var batch = PredictionInputs.Load(input, predictor.ExampleShape(), signature.Inputs[0].Image ?? ResizePolicy.Exact);
            (raw, names) = ([batch.Raw], batch.Names);
        }
        return WriteAnswers(predictor, predictor.FirstOutput(raw, preprocess), names, top, output, json);
    }

    /// <summary>Writes a model's first outputs (N, ...) for <paramref name="names"/>: as .npy when asked, and as its task's answers.</summary>
    internal static int WriteAnswers(IPredictor predictor, Tensor outputs, IReadOnlyList<string> names, int top, string? output, bool json,
        Rendering.PredictedIntervals? conformal = null)
    {
        var signature = predictor.Signature;
        if (output is { } path)
        {
            if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--output {Path.GetFileName(path)}: this model's outputs are written as .npy only.");
            Npy.Write(path, outputs);
            if (!json) Console.WriteLine($"wrote {outputs.Shape} outputs to {path}");
        }
        var task = signature.Task ?? (signature.IsClassifier ? TaskSpec.Multiclass : null);
        if (task is null)
        {
            var values = outputs.Contiguous().ToArray();
            int width = values.Length / Math.Max(1, names.Count);
            var rows = names.Select((n, i) => new { input = n, values = values.AsSpan(i * width, width).ToArray() }).ToList();
            if (json) JsonOut.Write(rows);
            else foreach (var r in rows) Console.WriteLine($"{r.input}: [{string.Join(", ", r.values.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))}]");
            return 0;
        }
        // With a file written, the console shows the first answers only: only those are decoded.
        var shown = output is null || json ? outputs : outputs.Slice(0, 0, Math.Min(outputs.Shape[0], PredictionView.Shown));
        var answers = TaskOutputs.For(task, signature.ClassNames, outputs.Shape[1]).Decode(shown, top);
        if (json) TaskPredictionView.WriteJson(names, answers, conformal);
        else TaskPredictionView.Write(names, answers, conformal, output);
        return 0;
    }
}
