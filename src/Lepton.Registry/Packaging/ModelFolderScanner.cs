using Lepton.NN.Serialization;

namespace Lepton.Registry.Packaging;

/// <summary>
/// Lists the files of a model folder that may be stored: regular files at the top or one folder down, no links,
/// names that are safe to recreate anywhere, a bounded count and total size, and the two files every model has.
/// </summary>
internal static class ModelFolderScanner
{
    /// <summary>The tree file of a LightGBM model folder (LightGBM's text format), the lightgbm predictor kind's marker.</summary>
    public const string TreeModelFile = "model.txt";

    /// <summary>The member list of an ensemble model folder, the ensemble predictor kind's marker (its members are other versions).</summary>
    public const string EnsembleFile = "ensemble.json";

    /// <summary>The graph of an imported ONNX model folder, the onnx predictor kind's marker.</summary>
    public const string OnnxModelFile = "model.onnx";

    public static IReadOnlyList<(string RelativePath, FileInfo File)> Scan(string folder, ModelPackageOptions options)
    {
        var root = new DirectoryInfo(folder);
        if (!root.Exists) throw new DirectoryNotFoundException($"Model folder {folder} does not exist.");
        if (root.LinkTarget is not null) throw new InvalidDataException($"Model folder {folder} is a symbolic link; give the real folder.");
        var files = new List<(string, FileInfo)>();
        long total = 0;
        foreach (var entry in root.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry is DirectoryInfo sub)
            {
                RejectLink(sub, folder);
                foreach (var inner in sub.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
                {
                    if (inner is DirectoryInfo)
                        throw new InvalidDataException($"Model folder {folder}: {sub.Name}/{inner.Name} is nested deeper than one folder; flatten it.");
                    Add($"{sub.Name}/{inner.Name}", (FileInfo)inner);
                }
            }
            else
            {
                Add(entry.Name, (FileInfo)entry);
            }
        }
        if (!files.Any(f => f.Item1 == ModelFile.SpecFileName))
            throw new InvalidDataException($"Model folder {folder} has no {ModelFile.SpecFileName}; a model folder holds model.json and weights.safetensors.");
        // A network keeps its weights in weights.safetensors; a LightGBM model keeps its trees in model.txt, an ONNX model its
        // graph in model.onnx, an ensemble its members in ensemble.json.
        var markers = files.Select(f => f.Item1).Where(n => n is ModelFile.WeightsFileName or TreeModelFile or OnnxModelFile or EnsembleFile).ToList();
        if (markers.Count == 0)
            throw new InvalidDataException(
                $"Model folder {folder} has no {ModelFile.WeightsFileName}; a model folder holds model.json and weights.safetensors (or {TreeModelFile} for a LightGBM model, {OnnxModelFile} for an ONNX model, {EnsembleFile} for an ensemble).");
        // Such a version could never be served (no predictor knows which model to load), so it is refused before anything is stored.
        if (markers.Count > 1)
            throw new InvalidDataException(
                $"Model folder {folder} holds {string.Join(" and ", markers)}: the files of more than one kind of model (an earlier model left in the folder?). Keep one model per folder: delete the other's files, or train into a new folder.");
        return files;

        void Add(string relative, FileInfo file)
        {
            RejectLink(file, folder);
            try
            {
                ModelManifest.ValidatePath(relative, folder);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{e.Message} Rename the file or leave it out of the model folder.");
            }
            total += file.Length;
            if (files.Count + 1 > options.MaxFiles)
                throw new InvalidDataException($"Model folder {folder} has more than {options.MaxFiles} files; keep only what the model needs.");
            if (total > options.MaxTotalBytes)
                throw new InvalidDataException($"Model folder {folder} holds more than {options.MaxTotalBytes:N0} bytes, the limit for one model.");
            files.Add((relative, file));
        }
    }

    private static void RejectLink(FileSystemInfo entry, string folder)
    {
        if (entry.LinkTarget is not null || entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            throw new InvalidDataException($"Model folder {folder}: {entry.Name} is a symbolic link; copy the real file into the folder.");
    }
}
