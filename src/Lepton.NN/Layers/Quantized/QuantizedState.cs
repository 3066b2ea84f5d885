using Lepton.Engine;
using Lepton.Engine.Kernels.Quantized;

namespace Lepton.NN.Layers.Quantized;

/// <summary>
/// The int8 state a quantized layer keeps as buffers (so it saves to and loads from <c>weights.safetensors</c>): codes
/// <c>weight</c> (Int8), <c>weight_scale</c> (one per output channel), optional float <c>bias</c>, and the calibrated
/// per-tensor input <c>input_scale</c> and <c>input_zero_point</c>. The packed kernel weights are rebuilt whenever a buffer changes.
/// </summary>
internal sealed class QuantizedState
{
    private Tensor[]? _source;
    private Int8Weights? _weights;
    private float[]? _bias;
    private float _inputScale;
    private int _zeroPoint;

    /// <summary>The packed weights and epilogue for the current buffers, packed once per set of buffers.</summary>
    public (Int8Weights Weights, Int8Epilogue Epilogue) Get(string layer, Tensor weight, Tensor scales, Tensor? bias, Tensor inputScale, Tensor zeroPoint,
        Func<sbyte[], float[], Int8Weights> pack, bool relu)
    {
        Tensor[] now = bias is null ? [weight, scales, inputScale, zeroPoint] : [weight, scales, inputScale, zeroPoint, bias];
        if (_source is null || !_source.AsSpan().SequenceEqual(now))
        {
            var s = scales.Contiguous().ToArray();
            float a = inputScale.ToArray()[0];
            int z = zeroPoint.ToIntArray()[0];
            if (!(a > 0) || float.IsInfinity(a))
                throw new InvalidDataException($"{layer}: input_scale must be a positive finite number, got {a}; quantize the model again.");
            if (z is < 0 or > Int8Activations.MaxCode)
                throw new InvalidDataException($"{layer}: input_zero_point must be in [0, {Int8Activations.MaxCode}], got {z}; quantize the model again.");
            foreach (var v in s)
                if (!(v >= 0) || float.IsInfinity(v))
                    throw new InvalidDataException($"{layer}: every weight_scale must be a finite number >= 0, got {v}; quantize the model again.");
            _weights = pack(weight.Contiguous().ToArray<sbyte>(), s);
            _bias = bias?.Contiguous().ToArray();
            _inputScale = a;
            _zeroPoint = z;
            _source = now;
        }
        return (_weights!, new Int8Epilogue(_inputScale, _zeroPoint, _bias, relu));
    }

    /// <summary>Checks what every quantized layer needs of its input: Float32, not recording gradients.</summary>
    public static void CheckInput(Tensor x, string layer)
    {
        if (x.DType != DType.Float32)
            throw new ArgumentException($"{layer} takes Float32 input, got {x.DType}; quantized layers run on float activations and quantize them inside.");
        if (x.RequiresGrad && !Engine.Autograd.NoGrad.IsActive)
            throw new ArgumentException($"{layer} is inference-only and has no gradient; train the float model and quantize it again.");
    }
}
