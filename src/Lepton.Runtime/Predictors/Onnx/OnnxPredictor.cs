using Lepton.Engine;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Lepton.Engine.Tensor;

namespace Lepton.Runtime.Onnx;

/// <summary>
/// An ONNX model run by an ONNX Runtime session behind the same <see cref="IPredictor"/> and signature as Lepton's own
/// models, so serving, batching, canary and monitoring treat it alike. Inputs arrive already shaped (N, ...) in the signature's
/// dtypes; outputs come back as Lepton tensors.
/// </summary>
public sealed class OnnxPredictor : IPredictor
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly IReadOnlyList<OnnxTensorInfo> _answered;

    /// <summary>Opens <paramref name="modelPath"/> described by <paramref name="info"/>; the session's inputs and outputs must match it.</summary>
    public OnnxPredictor(string modelPath, OnnxModelInfo info, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(info);
        Info = info;
        Signature = info.Signature();
        using var options = OnnxRuntimeEnvironment.SessionOptions(intraOpThreads);
        try
        {
            _session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime could not load {modelPath}: {e.Message}", e);
        }
        try
        {
            Check(_session.InputMetadata, info.Inputs, "input", modelPath);
            Check(_session.OutputMetadata, info.Outputs, "output", modelPath);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        _inputNames = [.. info.Inputs.Select(i => i.Name)];
        _answered = info.Answered;
        _outputNames = [.. _answered.Select(o => o.Name)];
    }

    public string Kind => OnnxModelFolder.KindName;

    public PredictorSignature Signature { get; }

    public OnnxModelInfo Info { get; }

    /// <summary>Loads an ONNX model folder (model.json + model.onnx).</summary>
    public static OnnxPredictor Load(string folder, int intraOpThreads = 0)
    {
        var info = OnnxModelFolder.ReadInfo(folder);
        var path = Path.Combine(folder, OnnxModelFolder.ModelFileName);
        var file = new FileInfo(path);
        if (!file.Exists) throw new InvalidDataException($"{path} not found; an ONNX model folder holds {OnnxModelFolder.ModelFileName} beside model.json.");
        if (file.LinkTarget is not null) throw new InvalidDataException($"{path} is a symbolic link; copy the real file into the model folder.");
        return new OnnxPredictor(path, info, intraOpThreads);
    }

    /// <summary>An ONNX graph carries no Lepton preprocessing: inputs are taken as sent.</summary>
    public Tensor Preprocess(int input, Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (input < 0 || input >= Signature.Inputs.Count)
            throw new ArgumentOutOfRangeException(nameof(input), $"The model has {Signature.Inputs.Count} input(s); got input index {input}.");
        return raw;
    }

    // inputs: one (N, ...) per signature input → outputs: one (N, ...) per signature output
    public TensorSet Predict(TensorSet inputs)
    {
        if (inputs.Count != _inputNames.Length)
            throw new ArgumentException($"The ONNX model takes {_inputNames.Length} input(s) ({string.Join(", ", _inputNames)}), got {inputs.Count}.", nameof(inputs));
        var values = new OrtValue[inputs.Count];
        try
        {
            for (int i = 0; i < values.Length; i++) values[i] = ToOrt(inputs[i], Info.Inputs[i]);
            using var results = RunSession(values);
            var outputs = new Tensor[results.Count];
            for (int i = 0; i < outputs.Length; i++) outputs[i] = FromOrt(results[i], _answered[i]);
            // Probabilities become log-probabilities, whose softmax gives them back: servers decode every classifier from logits.
            if (Info.IsClassifier && Info.ClassScores == OnnxClassScores.Probabilities) outputs[0] = LogProbabilities(outputs[0]);
            return new TensorSet(outputs);
        }
        finally
        {
            foreach (var v in values) v?.Dispose();
        }
    }

    // A well-shaped input the graph still refuses as an invalid argument (Gather past its table) fails in ONNX Runtime; its
    // message names the node and the value, so it goes back to the sender. Other failures stay the server's.
    private IDisposableReadOnlyCollection<OrtValue> RunSession(OrtValue[] values)
    {
        try
        {
            return _session.Run(_run, _inputNames, values, _outputNames);
        }
        catch (OnnxRuntimeException e) when (e.Message.Contains("[ErrorCode:InvalidArgument]", StringComparison.Ordinal))
        {
            throw new PredictorInputException($"ONNX Runtime could not run the model on these inputs: {e.Message}", e);
        }
    }

    /// <summary>The default warm-up, without refusing NaN: a graph made elsewhere may rightly give NaN for zeros (an input over its norm).</summary>
    public void WarmUp(int rows) => PredictorWarmUp.Run(this, rows, requireFinite: false);

    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }

    // p: (N, classes) → log(max(p, 1e-30)); a class given probability 0 keeps a finite, overwhelmingly low logit.
    private static Tensor LogProbabilities(Tensor p)
    {
        var values = p.ToArray();
        for (int i = 0; i < values.Length; i++) values[i] = MathF.Log(MathF.Max(values[i], 1e-30f));
        return Tensor.FromArray(values, p.Shape.ToArray());
    }

    private static OrtValue ToOrt(Tensor x, OnnxTensorInfo declared)
    {
        if (x.Rank != declared.Shape.Length)
            throw new ArgumentException($"ONNX input '{declared.Name}' takes shape [{string.Join(",", declared.Shape)}], got {x.Shape}.");
        var dense = (x.DType == declared.DType ? x : x.To(declared.DType)).Contiguous();
        long[] shape = [.. dense.Shape.Dims.ToArray().Select(d => (long)d)];
        return declared.DType switch
        {
            DType.Float32 => OrtValue.CreateTensorValueFromMemory(dense.ToArray<float>(), shape),
            DType.Float64 => OrtValue.CreateTensorValueFromMemory(dense.ToArray<double>(), shape),
            DType.Int32 => OrtValue.CreateTensorValueFromMemory(dense.ToArray<int>(), shape),
            DType.Int64 => OrtValue.CreateTensorValueFromMemory(dense.ToArray<long>(), shape),
            DType.Int8 => OrtValue.CreateTensorValueFromMemory(dense.ToArray<sbyte>(), shape),
            DType.UInt8 when declared.IsBool => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(dense.ToArray<byte>(), b => b != 0), shape),
            DType.UInt8 => OrtValue.CreateTensorValueFromMemory(dense.ToArray<byte>(), shape),
            // ONNX Runtime's Float16 is the IEEE half .NET's Half is; only the managed wrapper type differs.
            DType.Float16 => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(dense.ToArray<Half>(), h => new Float16(BitConverter.HalfToUInt16Bits(h))), shape),
            _ => throw new NotSupportedException($"ONNX input '{declared.Name}' has dtype {declared.DType}, which the onnx predictor does not pass yet."),
        };
    }

    private static Tensor FromOrt(OrtValue value, OnnxTensorInfo declared)
    {
        var info = value.GetTensorTypeAndShape();
        int[] shape = [.. info.Shape.Select(d => checked((int)d))];
        Tensor t = info.ElementDataType switch
        {
            TensorElementType.Float => Tensor.FromArray(value.GetTensorDataAsSpan<float>().ToArray(), shape),
            TensorElementType.Double => Tensor.FromArray(value.GetTensorDataAsSpan<double>().ToArray(), shape),
            TensorElementType.Int32 => Tensor.FromArray(value.GetTensorDataAsSpan<int>().ToArray(), shape),
            TensorElementType.Int64 => Tensor.FromArray(value.GetTensorDataAsSpan<long>().ToArray(), shape),
            TensorElementType.Int8 => Tensor.FromArray(value.GetTensorDataAsSpan<sbyte>().ToArray(), shape),
            TensorElementType.UInt8 => Tensor.FromArray(value.GetTensorDataAsSpan<byte>().ToArray(), shape),
            TensorElementType.Bool => Tensor.FromArray(Array.ConvertAll(value.GetTensorDataAsSpan<bool>().ToArray(), b => b ? (byte)1 : (byte)0), shape),
            TensorElementType.Float16 => Tensor.FromArray(Array.ConvertAll(value.GetTensorDataAsSpan<Float16>().ToArray(), f => BitConverter.UInt16BitsToHalf(f.value)), shape),
            var other => throw new NotSupportedException($"ONNX output '{declared.Name}' came back as {other}, which Lepton has no tensor type for."),
        };
        return t.DType == declared.DType ? t : t.To(declared.DType);
    }

    // The session's view of the graph must agree with model.json (a model.onnx swapped under its model.json fails here).
    private static void Check(IReadOnlyDictionary<string, NodeMetadata> session, IReadOnlyList<OnnxTensorInfo> declared, string what, string path)
    {
        foreach (var t in declared)
        {
            if (!session.TryGetValue(t.Name, out var meta))
                throw new InvalidDataException($"{path} has no {what} named '{t.Name}' (it has {string.Join(", ", session.Keys)}); model.json belongs to another model.");
            if (meta.Dimensions.Length != t.Shape.Length)
                throw new InvalidDataException($"{path}: {what} '{t.Name}' has rank {meta.Dimensions.Length} but model.json declares [{string.Join(",", t.Shape)}].");
        }
    }
}
