namespace Lepton.Engine.Kernels.Quantized;

/// <summary>
/// How int32 accumulators become float outputs: y[o] = (acc - zp * sum(w[o])) * (inputScale * weightScale[o]) + bias[o], then
/// max(y, 0) when <paramref name="Relu"/> is set. Bias may be null (no bias).
/// </summary>
public readonly record struct Int8Epilogue(float InputScale, int InputZeroPoint, float[]? Bias, bool Relu);
