using Google.Protobuf;
using Onnx;

namespace Lepton.Compression.Onnx.Import;

/// <summary>
/// Checks an ONNX file as hostile input before ONNX Runtime reads it: size, a complete protobuf, IR version and opsets that
/// ORT 1.32 runs, every declared tensor within a byte bound, initializer bytes matching their declared shape, and external
/// data that stays inside the model's folder. Returns the parsed model; every refusal is an <see cref="InvalidDataException"/>
/// naming the file, what was found and the fix.
/// </summary>
internal static class OnnxModelValidator
{
    private const int MaxGraphDepth = 8;

    public static ModelProto Validate(string path, OnnxImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"ONNX file {path} does not exist.", path);
        if (file.LinkTarget is not null) throw new InvalidDataException($"{path} is a symbolic link; give the real .onnx file.");
        if (file.Length == 0) throw new InvalidDataException($"{path} is empty; it is not an ONNX model.");
        if (file.Length > options.MaxFileBytes)
            throw new InvalidDataException(
                $"{path} holds {file.Length:N0} bytes, more than the {options.MaxFileBytes:N0} an imported ONNX file may hold; keep large weights in external data files beside it.");

        ModelProto model;
        try
        {
            using var stream = file.OpenRead();
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path} is not a readable ONNX protobuf (truncated or not ONNX): {e.Message}", e);
        }

        if (!model.HasIrVersion || model.IrVersion < OnnxOpsets.MinIrVersion || model.IrVersion > OnnxOpsets.MaxIrVersion)
            throw new InvalidDataException(
                $"{path}: ir_version {(model.HasIrVersion ? model.IrVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) : "missing")} is outside " +
                $"{OnnxOpsets.MinIrVersion}..{OnnxOpsets.MaxIrVersion}, what ONNX Runtime 1.32 reads (the file may be truncated or not ONNX).");
        if (!model.OpsetImport.Any(o => OnnxOpsets.IsDefault(o.Domain)))
            throw new InvalidDataException($"{path} declares no opset for the default ONNX domain; an ONNX model names one in opset_import (re-export it, e.g. opset 17).");
        foreach (var opset in model.OpsetImport)
        {
            if (OnnxOpsets.Problem(opset.Domain, opset.Version) is { } problem) throw new InvalidDataException($"{path}: {problem}.");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new InvalidDataException($"{path} holds no graph nodes (truncated or not an ONNX model).");
        if (model.Graph.Input.Count == 0 || model.Graph.Output.Count == 0)
            throw new InvalidDataException($"{path}: the graph declares {model.Graph.Input.Count} input(s) and {model.Graph.Output.Count} output(s); it needs at least one of each.");

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        int nodes = 0;
        CheckGraph(model.Graph, path, folder, options, depth: 0, ref nodes);
        return model;
    }

    private static void CheckGraph(GraphProto graph, string path, string folder, OnnxImportOptions options, int depth, ref int nodes)
    {
        if (depth > MaxGraphDepth) throw new InvalidDataException($"{path}: subgraphs nest more than {MaxGraphDepth} deep.");
        nodes += graph.Node.Count;
        if (nodes > options.MaxNodes) throw new InvalidDataException($"{path} has more than {options.MaxNodes:N0} nodes, the bound for an imported model.");
        foreach (var t in graph.Initializer) CheckTensor(t, path, folder, options);
        foreach (var s in graph.SparseInitializer) CheckSparse(s, path, folder, options);
        foreach (var v in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo)) CheckDeclared(v, path, options);
        foreach (var node in graph.Node)
        {
            foreach (var a in node.Attribute)
            {
                if (a.T is { } t) CheckTensor(t, path, folder, options);
                foreach (var tt in a.Tensors) CheckTensor(tt, path, folder, options);
                if (a.SparseTensor is { } st) CheckSparse(st, path, folder, options);
                if (a.G is { } g) CheckGraph(g, path, folder, options, depth + 1, ref nodes);
                foreach (var gg in a.Graphs) CheckGraph(gg, path, folder, options, depth + 1, ref nodes);
            }
        }
    }

    private static void CheckSparse(SparseTensorProto sparse, string path, string folder, OnnxImportOptions options)
    {
        if (sparse.Values is { } v) CheckTensor(v, path, folder, options);
        if (sparse.Indices is { } i) CheckTensor(i, path, folder, options);
        Bound(sparse.Dims, ElementSize(sparse.Values?.DataType ?? 1), $"sparse tensor '{sparse.Values?.Name}'", path, options);
    }

    // A tensor's declared size is bounded first; then its bytes must be where it says and as many as it says.
    private static void CheckTensor(TensorProto t, string path, string folder, OnnxImportOptions options)
    {
        string name = $"tensor '{t.Name}'";
        long bytes = Bound(t.Dims, ElementSize(t.DataType), name, path, options);
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            CheckExternal(t, bytes, path, folder);
            return;
        }
        if (t.HasRawData && OnnxTypes.ElementSize(t.DataType) > 0 && t.RawData.Length != bytes)
            throw new InvalidDataException(
                $"{path}: {name} declares {bytes:N0} bytes of data (dims [{string.Join(",", t.Dims)}]) but holds {t.RawData.Length:N0}; the file is truncated or corrupt.");
    }

    private static void CheckExternal(TensorProto t, long bytes, string path, string folder)
    {
        var entries = t.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (!entries.TryGetValue("location", out var location) || string.IsNullOrWhiteSpace(location))
            throw new InvalidDataException($"{path}: tensor '{t.Name}' keeps its data externally but names no location.");
        var resolved = ExternalDataPath(location, folder)
                       ?? throw new InvalidDataException(
                           $"{path}: tensor '{t.Name}' reads external data from '{location}', which is absolute or leaves the model's folder; " +
                           "external data must be a file beside the .onnx (a plain relative name, no '..').");
        var file = new FileInfo(resolved);
        if (!file.Exists) throw new InvalidDataException($"{path}: tensor '{t.Name}' reads external data from '{location}', which is not beside the .onnx file.");
        if (file.LinkTarget is not null) throw new InvalidDataException($"{path}: external data file '{location}' is a symbolic link; copy the real file.");
        long offset = Number(entries, "offset", 0, t, path);
        long length = Number(entries, "length", file.Length - offset, t, path);
        if (offset < 0 || length < 0 || offset > file.Length || length > file.Length - offset)
            throw new InvalidDataException($"{path}: tensor '{t.Name}' reads bytes {offset:N0}..{offset + length:N0} of '{location}', which holds {file.Length:N0}.");
        if (OnnxTypes.ElementSize(t.DataType) > 0 && length != bytes && entries.ContainsKey("length"))
            throw new InvalidDataException($"{path}: tensor '{t.Name}' declares {bytes:N0} bytes but its external data length is {length:N0}.");
    }

    /// <summary>The full path of external-data <paramref name="location"/> when it is relative and stays inside <paramref name="folder"/>; else null.</summary>
    public static string? ExternalDataPath(string location, string folder)
    {
        if (location.Contains('\0') || location.Contains('\\') || location.Contains(':') || Path.IsPathRooted(location) || location.StartsWith('/')) return null;
        var parts = location.Split('/');
        if (parts.Any(p => p is "" or "." or "..")) return null;
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, location));
        return full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>The relative locations of every external-data file the graph (and its subgraphs) reads, deduplicated.</summary>
    public static IReadOnlyList<string> ExternalLocations(ModelProto model)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        void Visit(GraphProto g)
        {
            foreach (var t in g.Initializer.Concat(g.Node.SelectMany(n => n.Attribute.SelectMany(a => a.Tensors.Append(a.T).Where(x => x is not null)))))
                if (t.DataLocation == TensorProto.Types.DataLocation.External && t.ExternalData.FirstOrDefault(e => e.Key == "location") is { } loc) found.Add(loc.Value);
            foreach (var sub in g.Node.SelectMany(n => n.Attribute.SelectMany(a => a.Graphs.Append(a.G).Where(x => x is not null)))) Visit(sub);
        }
        Visit(model.Graph);
        return [.. found];
    }

    // A graph input, output or intermediate: its fixed dimensions times its element size stay within the bound.
    private static void CheckDeclared(ValueInfoProto v, string path, OnnxImportOptions options)
    {
        if (v.Type?.TensorType is not { } tensor || tensor.Shape is null) return;
        var dims = new List<long>();
        foreach (var d in tensor.Shape.Dim)
        {
            if (d.HasDimValue)
            {
                if (d.DimValue < 0) throw new InvalidDataException($"{path}: '{v.Name}' declares dimension {d.DimValue}; dimensions are >= 0.");
                dims.Add(d.DimValue);
            }
        }
        Bound(dims, ElementSize(tensor.ElemType), $"'{v.Name}'", path, options);
    }

    private static long Bound(IEnumerable<long> dims, int elementSize, string name, string path, OnnxImportOptions options)
    {
        // In double: a product of hostile dimensions overflows long long before it reaches the bound.
        double total = elementSize;
        var list = dims.ToList();
        foreach (var d in list)
        {
            if (d < 0) throw new InvalidDataException($"{path}: {name} declares dimension {d}; dimensions are >= 0.");
            total *= d;
        }
        if (total > options.MaxTensorBytes)
            throw new InvalidDataException(
                $"{path}: {name} declares shape [{string.Join(",", list)}], {total:G3} bytes, more than the {options.MaxTensorBytes:N0} one tensor may hold; the file is corrupt or hostile.");
        return (long)total;
    }

    private static int ElementSize(int dataType) => Math.Max(OnnxTypes.ElementSize(dataType), 1);

    private static long Number(Dictionary<string, string> entries, string key, long fallback, TensorProto t, string path)
    {
        if (!entries.TryGetValue(key, out var text)) return fallback;
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw new InvalidDataException($"{path}: tensor '{t.Name}' has external-data {key} '{text}', which is not a non-negative integer.");
    }
}
