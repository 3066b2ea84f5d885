namespace Lepton.NN.Layers;

/// <summary>Options of <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/>, PyTorch's defaults.</summary>
public sealed record BatchNormOptions(double Eps = 1e-5, double Momentum = 0.1, bool Affine = true, bool TrackRunningStats = true);
