using Lepton.Data.Formats;
using Lepton.Data.Images;
using Lepton.Engine;

namespace Lepton.Data.Inputs;

/// <summary>Raw model inputs read from files, one name per example (file name, or file[index] for arrays).</summary>
public sealed record InputBatch(Tensor Raw, IReadOnlyList<string> Names);

/// <summary>
/// Reads inputs for prediction from a file or a folder: .npy arrays, PNG and JPEG images and IDX files, shaped to
/// the model's per-example input shape, e.g. (1,28,28). Values stay raw (pixels 0..255); the model's
/// preprocessing is applied later.
/// </summary>
public static class PredictionInputs
{
    private static readonly string[] Extensions = [".npy", ".png", ".jpg", ".jpeg", ".gz", ".idx", "-ubyte"];

    /// <summary>
    /// Reads <paramref name="path"/> for a model taking examples of <paramref name="exampleShape"/>. Images of another
    /// size are resized by <paramref name="imagePolicy"/> (the model's image input), or refused with <see cref="ResizePolicy.Exact"/>.
    /// </summary>
    public static InputBatch Load(string path, Shape exampleShape, ResizePolicy imagePolicy = ResizePolicy.Exact)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Where(f => Extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new FileNotFoundException($"No inputs in folder {path}: expected .npy, .png, .jpg or IDX files.");
            var parts = files.Select(f => LoadFile(f, exampleShape, imagePolicy)).ToList();
            return new InputBatch(Tensor.Concat(parts.Select(p => p.Raw).ToList(), 0), parts.SelectMany(p => p.Names).ToList());
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"Input {path} does not exist.");
        return LoadFile(path, exampleShape, imagePolicy);
    }

    /// <summary>
    /// Inputs of a model that takes several: <paramref name="folder"/> holds <c>NAME.npy</c> for each input (one example or a
    /// batch each, the same count in every file), named as in a tensor data set. Names come from the first input's file.
    /// </summary>
    public static (IReadOnlyList<Tensor> Raw, IReadOnlyList<string> Names) LoadArrays(string folder, IReadOnlyList<(string Name, Shape Example)> inputs)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"The model takes {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}): give --input a folder with one .npy per input, named after it.");
        var batches = new List<InputBatch>();
        foreach (var (name, example) in inputs)
        {
            string path = Path.Combine(folder, name + ".npy");
            if (Path.GetFileName(name) != name || !File.Exists(path))
                throw new FileNotFoundException($"{name}.npy is missing in {Path.GetFileName(folder)}: the model takes input '{name}' of shape {example}.");
            batches.Add(Batched(Npy.Read(path).To(DType.Float32), name + ".npy", example));
        }
        int n = batches[0].Raw.Shape[0];
        if (batches.Any(b => b.Raw.Shape[0] != n))
            throw new InvalidDataException(
                $"The inputs hold different numbers of examples ({string.Join(", ", inputs.Select((i, k) => $"{i.Name}: {batches[k].Raw.Shape[0]}"))}); give each the same count.");
        return ([.. batches.Select(b => b.Raw)], batches[0].Names);
    }

    private static InputBatch LoadFile(string path, Shape exampleShape, ResizePolicy imagePolicy)
    {
        string name = Path.GetFileName(path);
        var head = new byte[8];
        int read;
        using (var f = File.OpenRead(path)) read = f.Read(head, 0, head.Length);
        if (read >= 3 && ImageToTensor.IsImage(head.AsSpan(0, read)))
        {
            var bytes = File.ReadAllBytes(path);
            var image = exampleShape.Rank == 3 && imagePolicy != ResizePolicy.Exact
                ? ImageToTensor.Decode(bytes, name, ImageToTensor.DefaultMaxPixels, exampleShape[2], exampleShape[1]).Image
                : ImageToTensor.Decode(bytes, name);
            return new InputBatch(FromImage(image, name, exampleShape, imagePolicy).Unsqueeze(0), [name]);
        }
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            return Batched(Npy.Read(path).To(DType.Float32), name, exampleShape);
        if (read >= 4 && ((head[0] == 0 && head[1] == 0) || (head[0] == 0x1f && head[1] == 0x8b)))
            return Batched(Idx.ReadFloat32(path), name, exampleShape);
        throw new InvalidDataException($"{name}: unknown input format; use .npy arrays, PNG or JPEG images, or IDX files.");
    }

    // image: any size → the model's (C,H,W) pixels 0..255, through the same path as the server's uploads.
    private static Tensor FromImage(PngImage image, string name, Shape exampleShape, ResizePolicy policy)
    {
        if (exampleShape.Rank != 3)
            throw new InvalidDataException($"{name} is an image, but the model expects inputs of shape {exampleShape}, not (C,H,W).");
        return ImageToTensor.Convert(image, exampleShape[0], exampleShape[1], exampleShape[2], policy, name);
    }

    // Accepts one example, a batch of examples, or arrays that only lack the channel axis (H,W) / (N,H,W).
    private static InputBatch Batched(Tensor t, string name, Shape exampleShape)
    {
        var ex = exampleShape.ToArray();
        Tensor batch;
        if (t.Shape == exampleShape) batch = t.Unsqueeze(0);
        else if (t.Rank == exampleShape.Rank + 1 && t.Shape.Dims[1..].SequenceEqual(ex)) batch = t;
        else if (ex.Length >= 1 && ex[0] == 1 && t.Rank == exampleShape.Rank - 1 && t.Shape.Dims.SequenceEqual(ex.AsSpan(1)))
            batch = t.Unsqueeze(0).Unsqueeze(0);
        else if (ex.Length >= 1 && ex[0] == 1 && t.Rank == exampleShape.Rank && t.Shape.Dims[1..].SequenceEqual(ex.AsSpan(1)))
            batch = t.Unsqueeze(1);
        else
            throw new InvalidDataException(
                $"{name} holds shape {t.Shape}, but the model expects one example of shape {exampleShape} or a batch (N,{string.Join(",", ex)}).");
        int n = batch.Shape[0];
        var names = Enumerable.Range(0, n).Select(i => n == 1 && t.Shape == exampleShape ? name : $"{name}[{i}]").ToList();
        return new InputBatch(batch.Contiguous(), names);
    }
}
