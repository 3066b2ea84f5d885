using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Runtime.Onnx;

namespace Lepton.Compression.Onnx;

/// <summary>
/// Registers ONNX models as versions the server runs with ONNX Runtime: a bare <c>.onnx</c> file is checked as hostile input,
/// imported into a model folder and stored; a folder holding <c>model.onnx</c> is checked against its model.json first.
/// The registry itself never links ONNX, so these checks live here, in front of it.
/// </summary>
public static class OnnxRegistration
{
    /// <summary>True when <paramref name="path"/> names an ONNX file (not a model folder).</summary>
    public static bool IsOnnxFile(string path) =>
        path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(path);

    /// <summary>True when <paramref name="folder"/> is an imported ONNX model folder (model.onnx, no Lepton weights).</summary>
    public static bool IsOnnxFolder(string folder) =>
        Directory.Exists(folder) && File.Exists(Path.Combine(folder, OnnxModelFolder.ModelFileName))
                                 && !File.Exists(Path.Combine(folder, ModelFile.WeightsFileName));

    /// <summary>
    /// Registers <paramref name="from"/> under <paramref name="name"/>: an .onnx file is imported (with <paramref name="options"/>'
    /// class names), an ONNX model folder is checked, any other model folder goes to the registry as it is.
    /// </summary>
    public static async Task<ModelVersion> RegisterAsync(ModelRegistry registry, string name, string from, OnnxImportOptions? options,
        string? runId, string? datasetRef, string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(from);
        if (IsOnnxFile(from)) return await RegisterFileAsync(registry, name, from, options, runId, datasetRef, actor, ct);
        if (options?.ClassNames is { Count: > 0 })
            throw new ArgumentException($"--classes applies to an .onnx file; {from} is a model folder whose model.json already names its classes.");
        if (IsOnnxFolder(from)) OnnxImporter.CheckFolder(from, options);
        return await registry.RegisterAsync(name, from, runId, datasetRef, actor, ct);
    }

    /// <summary>Imports the ONNX file <paramref name="onnxPath"/> into a scratch folder and registers that folder.</summary>
    public static async Task<ModelVersion> RegisterFileAsync(ModelRegistry registry, string name, string onnxPath, OnnxImportOptions? options,
        string? runId, string? datasetRef, string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ModelName.Validate(name);
        var scratch = Path.Combine(Path.GetTempPath(), "lepton-onnx-import-" + Guid.NewGuid().ToString("N"));
        try
        {
            OnnxImporter.Import(onnxPath, scratch, options);
            ct.ThrowIfCancellationRequested();
            return await registry.RegisterAsync(name, scratch, runId, datasetRef, actor, ct);
        }
        finally
        {
            try
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // A leftover scratch folder in the temp directory is harmless.
            }
        }
    }
}
