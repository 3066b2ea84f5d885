using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Lepton.Runtime.Audio;
using Lepton.Runtime.Text;
using Lepton.Serving.Outputs;

namespace Lepton.Serving.Protocol;

/// <summary>The outputs every served classifier offers.</summary>
public static class OutputNames
{
    public const string Logits = "logits";
    public const string Probabilities = "probabilities";
    public const string Label = "label";

    public static IReadOnlyList<string> All { get; } = [Logits, Probabilities, Label];
}

/// <summary>
/// What a served model takes and gives, as the protocol describes it: the predictor's named inputs (dtype, shape with a free
/// batch dimension) and the outputs its answers offer. Built once per served version.
/// </summary>
public sealed class ModelSignature
{
    private readonly HashSet<string> _outputNames;

    /// <param name="text">For a text model, the encoder that turns a BYTES input named <c>text</c> into its token inputs.</param>
    /// <param name="table">For a table model, the encoder that turns rows (one named input per raw column) into its features.</param>
    /// <param name="audio">For an audio model, the encoder that turns WAV uploads and an FP32 input named <c>waveform</c> into its features.</param>
    public ModelSignature(PredictorSignature predictor, IReadOnlyList<OutputDescription> outputs, TextInputEncoder? text = null, TableInputEncoder? table = null,
        AudioInputEncoder? audio = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(outputs);
        Predictor = predictor;
        Outputs = outputs;
        Text = text;
        Table = table;
        Audio = audio;
        _outputNames = new HashSet<string>(outputs.Select(o => o.Name), StringComparer.Ordinal);
        string tensors = string.Join(", ", predictor.Inputs.Select(i => $"'{i.Name}' {i.BatchShapeText}"));
        InputsText = text is not null ? $"'{TextInputEncoder.InputName}' BYTES [-1] (or its token inputs {tensors})"
            : table is not null ? $"one input per column ({string.Join(", ", table.Columns.Take(8).Select(c => $"'{c.Name}' {c.Datatype}"))}{(table.Columns.Count > 8 ? ", ..." : "")}), or the encoded {tensors}"
            : audio is not null ? $"{tensors} (features) or '{AudioInputEncoder.WaveformInputName}' FP32 [-1,-1] (mono samples at {audio.Spec.SampleRate} Hz)"
            : tensors;
    }

    public PredictorSignature Predictor { get; }

    /// <summary>The text model's string front (tokenizer, normalization, truncation); null for models that take tensors only.</summary>
    public TextInputEncoder? Text { get; }

    /// <summary>The table model's row front (encoders, contributions, reference); null for models that take tensors or text.</summary>
    public TableInputEncoder? Table { get; }

    /// <summary>The audio model's WAV and waveform front (feature spec, clip length, upload limit); null for other models.</summary>
    public AudioInputEncoder? Audio { get; }

    /// <summary>
    /// The inputs the metadata endpoint lists: <c>text</c> BYTES [-1] for a text model, one [-1] input per raw column with its
    /// datatype for a table model, the predictor's tensors otherwise (for an audio model also <c>waveform</c> FP32 [-1,-1]).
    /// </summary>
    public IEnumerable<(string Name, string Datatype, int[] Shape)> Described =>
        Text is not null ? [(TextInputEncoder.InputName, "BYTES", [-1])]
        : Table is not null ? Table.Columns.Select(c => (c.Name, c.Datatype, new[] { -1 }))
        : Audio is not null ? [.. Inputs.Select(i => (i.Name, Datatype(i.DType), i.BatchShape)), (AudioInputEncoder.WaveformInputName, "FP32", [-1, -1])]
        : Inputs.Select(i => (i.Name, Datatype(i.DType), i.BatchShape));

    public IReadOnlyList<OutputDescription> Outputs { get; }

    public IReadOnlyList<TensorSignature> Inputs => Predictor.Inputs;

    /// <summary>Classes the model outputs, or -1 when the model names none (unknown until it runs).</summary>
    public int Classes => Predictor.ClassNames.Count > 0 ? Predictor.ClassNames.Count : -1;

    /// <summary>The inputs as error messages name them, e.g. <c>'image' [-1,1,28,28]</c>.</summary>
    public string InputsText { get; }

    /// <summary>The OIP datatype of a tensor dtype.</summary>
    public static string Datatype(DType dtype) => dtype switch
    {
        DType.Float32 => "FP32",
        DType.Float64 => "FP64",
        DType.Int32 => "INT32",
        DType.Int64 => "INT64",
        DType.Int8 => "INT8",
        DType.UInt8 => "UINT8",
        DType.Float16 => "FP16",
        DType.BFloat16 => "BF16",
        _ => dtype.ToString().ToUpperInvariant(),
    };

    /// <summary>
    /// Checks a parsed request against this signature before any model work and returns its inputs in signature order, each as
    /// a raw (N, ...) tensor of the input's dtype; every mismatch is a 400 naming what the model expects.
    /// </summary>
    public TensorSet Validate(InferenceRequest request, string model)
    {
        if (request.Inputs.Count == 1 && request.Inputs[0].Texts is { } texts)
        {
            var encoded = EncodeTexts(request.Inputs[0], texts, model);
            CheckOutputs(request, model);
            return encoded;
        }
        if (Audio is not null && request.Inputs.Count == 1 && request.Inputs[0].Name == AudioInputEncoder.WaveformInputName)
        {
            var features = EncodeWaveform(request.Inputs[0]);
            CheckOutputs(request, model);
            return features;
        }
        var inputs = Predictor.Inputs;
        if (request.Inputs.Count != inputs.Count)
            throw ProtocolException.BadRequest(inputs.Count == 1
                ? $"Model '{model}' takes one input {InputsText}; the request sends {request.Inputs.Count}."
                : $"Model '{model}' takes {inputs.Count} inputs {InputsText}; the request sends {request.Inputs.Count}.");
        if (inputs.Count == 1)
        {
            var single = Convert(request.Inputs[0], 0, model, -1);
            CheckOutputs(request, model);
            return single;
        }
        var tensors = new Tensor[inputs.Count];
        int rows = -1;
        foreach (var input in request.Inputs)
        {
            int index = Predictor.InputIndex(input.Name);
            if (index < 0) throw UnknownInput(input.Name, model);
            if (tensors[index] is not null)
                throw ProtocolException.BadRequest($"The request sends input '{input.Name}' twice; send each of {InputsText} once.");
            tensors[index] = Convert(input, index, model, rows);
            rows = tensors[index].Shape[0];
        }
        CheckOutputs(request, model);
        return new TensorSet(tensors);
    }

    /// <summary>A text model's token inputs for raw strings (one per row); a 400 naming the fix for anything else.</summary>
    public TensorSet EncodeTexts(IReadOnlyList<string> texts, string model)
    {
        if (Text is null)
            throw ProtocolException.BadRequest($"Model '{model}' takes {InputsText}, not text; only a text model (one trained with a tokenizer) takes strings.");
        if (texts.Count == 0) throw ProtocolException.BadRequest("The request holds no texts; send at least one string.");
        try
        {
            return Text.Encode(texts);
        }
        catch (ArgumentException ex)
        {
            throw ProtocolException.BadRequest(ex.Message);
        }
    }

    private TensorSet EncodeTexts(InferenceInput input, string[] texts, string model)
    {
        if (Text is not null && input.Name != TextInputEncoder.InputName)
            throw ProtocolException.BadRequest($"Model '{model}' takes its strings as input '{TextInputEncoder.InputName}' (BYTES, shape [N]); the request names '{InferenceRequestParser.Clip(input.Name)}'.");
        if (!(input.Shape.Length == 1 || (input.Shape.Length == 2 && input.Shape[1] == 1)))
            throw ProtocolException.BadRequest($"Input '{TextInputEncoder.InputName}' has shape [{string.Join(",", input.Shape)}]; send one string per row: shape [N] (or [N,1]).");
        return EncodeTexts(texts, model);
    }

    // waveform: (N,S) FP32 mono samples at the model's rate, each row cut or padded to the training clip length.
    private TensorSet EncodeWaveform(InferenceInput input)
    {
        if (input.Shape.Length != 2 || input.Shape[0] < 1 || input.Shape[1] < 1)
            throw ProtocolException.BadRequest($"Input '{AudioInputEncoder.WaveformInputName}' has shape [{string.Join(",", input.Shape)}]; send [N,S]: N clips of S >= 1 mono samples at {Audio!.Spec.SampleRate} Hz.");
        try
        {
            return Audio!.EncodeWaveforms(input.Data, input.Shape[0]);
        }
        catch (ArgumentException ex)
        {
            throw ProtocolException.BadRequest(ex.Message);
        }
    }

    private void CheckOutputs(InferenceRequest request, string model)
    {
        foreach (var output in request.Outputs)
        {
            if (!_outputNames.Contains(output.Name))
                throw ProtocolException.BadRequest(
                    $"Model '{model}' has no output '{InferenceRequestParser.Clip(output.Name)}'; its outputs are {string.Join(", ", Outputs.Select(o => o.Name))}.");
        }
    }

    private Tensor Convert(InferenceInput input, int index, string model, int rows)
    {
        var declared = Predictor.Inputs[index];
        if (input.Name != declared.Name) throw UnknownInput(input.Name, model);
        // BOOL data (true/false, or 1/0) fills UINT8 inputs, which is how an ONNX graph's bool inputs (masks) are held.
        if (input.Datatype == TensorDatatype.Bool && declared.DType != DType.UInt8)
            throw ProtocolException.BadRequest($"Input '{declared.Name}' has datatype BOOL, but this model takes {Datatype(declared.DType)} numbers; BOOL fills a table model's boolean column or a UINT8 input.");
        var shape = input.Shape;
        if (!declared.Accepts(shape))
            throw ProtocolException.BadRequest(
                $"Input '{declared.Name}' has shape [{string.Join(",", shape)}], but model '{model}' expects {declared.BatchShapeText} (any batch size N >= 1 first{(declared.IsFixed ? "" : ", -1 any length >= 1")}).");
        if (shape[0] < 1)
            throw ProtocolException.BadRequest($"Input '{declared.Name}' has batch size 0; send at least one example.");
        if (rows >= 0 && shape[0] != rows)
            throw ProtocolException.BadRequest($"Input '{declared.Name}' has batch size {shape[0]} but another input has {rows}; every input needs the same batch size.");
        // The parser hands every datatype over as float32 values, so integer inputs (token ids, category codes) are checked whole
        // and within 2^24, where float32 still holds every integer exactly, before they are converted.
        return declared.DType switch
        {
            DType.Float32 => Tensor.FromArray(input.Data, shape),
            DType.Float64 => Tensor.FromArray(Array.ConvertAll(input.Data, v => (double)v), shape),
            DType.Float16 => Tensor.FromArray(Array.ConvertAll(input.Data, v => (Half)v), shape),
            DType.Int32 => Tensor.FromArray(WholeNumbers(input.Data, declared, int.MinValue, int.MaxValue, v => (int)v), shape),
            DType.Int64 => Tensor.FromArray(WholeNumbers(input.Data, declared, long.MinValue, long.MaxValue, v => (long)v), shape),
            DType.Int8 => Tensor.FromArray(WholeNumbers(input.Data, declared, sbyte.MinValue, sbyte.MaxValue, v => (sbyte)v), shape),
            DType.UInt8 => Tensor.FromArray(WholeNumbers(input.Data, declared, byte.MinValue, byte.MaxValue, v => (byte)v), shape),
            _ => throw ProtocolException.BadRequest($"Input '{declared.Name}' is {Datatype(declared.DType)}, which this server cannot take over the protocol yet; export the model with an FP32, FP64, FP16 or integer input."),
        };
    }

    /// <summary>The largest magnitude below which every integer survives the parser's float32 values exactly.</summary>
    internal const int ExactIntegerLimit = 1 << 24;

    private static T[] WholeNumbers<T>(float[] values, TensorSignature declared, double min, double max, Func<float, T> convert)
    {
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v != MathF.Floor(v) || !float.IsFinite(v))
                throw ProtocolException.BadRequest($"Input '{declared.Name}' element {i} is {v}, but this model takes whole numbers ({Datatype(declared.DType)}); send integers.");
            if (v < min || v > max)
                throw ProtocolException.BadRequest($"Input '{declared.Name}' element {i} is {v}, outside {Datatype(declared.DType)}'s range {min} to {max}.");
            if (MathF.Abs(v) > ExactIntegerLimit)
                throw ProtocolException.BadRequest(
                    $"Input '{declared.Name}' element {i} is {v}, beyond {ExactIntegerLimit}, the largest integer this server passes to a model exactly; send smaller ids.");
            result[i] = convert(v);
        }
        return result;
    }

    private ProtocolException UnknownInput(string name, string model) =>
        ProtocolException.BadRequest($"Model '{model}' has no input '{InferenceRequestParser.Clip(name)}'; its input{(Predictor.Inputs.Count == 1 ? " is" : "s are")} {InputsText}.");
}
