using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Compression.Onnx;
using Lepton.Runtime.Onnx;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton export onnx</c>: a registered model or model folder as an ONNX file for ONNX Runtime and the rest of the world.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var cmd = new Command("export", "Write a model in another format (ONNX).");
        cmd.Subcommands.Add(OnnxVerb());
        return cmd;
    }

    private static Command OnnxVerb()
    {
        var model = new Argument<string>("model") { Description = "name, name@3, name@production, or a model folder." };
        var output = new Option<string>("--out") { Description = "The .onnx file to write.", Required = true };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("onnx",
            $"Export a network to ONNX (opset {OnnxExporter.Opset}, symbolic batch axis, eval-mode, weights under their state-dict names).\n" +
            "The graph takes preprocessed tensors; the model's preprocessing is recorded in the file's metadata.\n\n" +
            "Example:\n  lepton export onnx fashion@production --out fashion.onnx");
        cmd.Arguments.Add(model);
        cmd.Options.Add(output);
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            string reference = p.GetValue(model)!, path = p.GetValue(output)!;
            if (!path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--out {path} should end in .onnx, the name ONNX tools expect.");
            var resolved = await ModelResolution.ResolveAsync(reference, p.GetValue(store), ct);
            ct.ThrowIfCancellationRequested();
            // An imported ONNX model is handed back as it was registered, in its own opset.
            bool imported = OnnxRegistration.IsOnnxFolder(resolved.Folder);
            long bytes = Export(resolved.Folder, reference, path);
            var info = OnnxImporter.Inspect(path);
            var version = resolved.Version is { } v ? $"{v.Model}@{v.Version}" : resolved.Folder;
            if (p.GetValue(json))
            {
                JsonOut.Write(new
                {
                    Model = version,
                    Out = Path.GetFullPath(path),
                    Bytes = bytes,
                    Opset = imported ? (int?)null : OnnxExporter.Opset,
                    Imported = imported,
                    Inputs = info.Inputs.Select(Describe),
                    Outputs = info.Outputs.Select(Describe),
                });
            }
            else
            {
                Console.WriteLine($"exported {version} to {path} ({bytes:N0} bytes, {(imported ? "the imported graph as registered" : $"opset {OnnxExporter.Opset}")})");
                foreach (var i in info.Inputs) Console.WriteLine($"  input  {Describe(i)}");
                foreach (var o in info.Outputs) Console.WriteLine($"  output {Describe(o)}");
                // Sets and intervals are read off the graph's own answers, so they travel as the file beside it.
                if (Lepton.Runtime.Conformal.ConformalIntervals.Load(resolved.Folder) is { } intervals)
                    Console.WriteLine($"  its {intervals.Describe()} are not in the graph: ship {Lepton.Runtime.Conformal.ConformalIntervals.FileName} beside it" +
                                      (intervals.NeedsBand ? $", with the quantile models of {Lepton.Runtime.Conformal.ConformalIntervals.BandFolders.Lower}/ and {Lepton.Runtime.Conformal.ConformalIntervals.BandFolders.Upper}/ (model folders of their own, which the intervals widen)" : "") +
                                      " (docs/tabular-learners.md#conformal-intervals-and-prediction-sets-answers-that-say-how-sure-they-are)");
            }
            return 0;
        }));
        return cmd;
    }

    // A network is written by the exporter; an imported ONNX model is handed back as it was imported.
    private static long Export(string folder, string reference, string path)
    {
        if (OnnxRegistration.IsOnnxFolder(folder)) return OnnxImporter.CopyOut(folder, path);
        if (File.Exists(Path.Combine(folder, Lepton.Runtime.Ensembles.EnsembleFile.FileName)))
        {
            var members = Lepton.Runtime.Ensembles.EnsembleFile.Read(folder).Members;
            throw new NotSupportedException($"{reference} is an ensemble of {string.Join(", ", members)}; ONNX export covers one network. Export each member " +
                                            $"(lepton export onnx {members[0]} --out {Path.GetFileNameWithoutExtension(path)}-member1.onnx) and vote over their outputs.");
        }
        if (File.Exists(Path.Combine(folder, "model.txt")) && !File.Exists(Path.Combine(folder, "weights.safetensors")))
            throw new NotSupportedException($"{reference} is a LightGBM model; ONNX export covers networks. Use LightGBM's own model.txt, or onnxmltools, for trees.");
        // The graph would answer the uncalibrated probabilities while Lepton serves calibrated ones: refused rather than silently different.
        if (File.Exists(Path.Combine(folder, Lepton.Runtime.Calibration.ProbabilityCalibration.FileName)))
            throw new NotSupportedException($"{reference} calibrates its probabilities ({Lepton.Runtime.Calibration.ProbabilityCalibration.FileName}), which an ONNX graph of the network would not; " +
                                            "retrain without --calibrate to export it, or apply the file's maps after ONNX Runtime (docs/tabular-learners.md#calibration).");
        return OnnxExporter.ExportFolder(folder, path, OnnxExportOptions.Default);
    }

    private static string Describe(OnnxTensorInfo t) => $"{t.Name} {t.DType.ToString().ToLowerInvariant()} [{string.Join(",", t.Shape)}]";
}
