using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    /// <summary>Inverted dropout: zeroes with probability p and scales survivors by 1/(1-p); identity when !training.</summary>
    public Tensor Dropout(double p, bool training, Generator rng)
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be in [0, 1], got {p}.");
        if (!training || p == 0) return this;
        RequireFloat("Dropout");
        ArgumentNullException.ThrowIfNull(rng);
        // The mask holds 0 or 1/(1-p); backward multiplies by the same mask.
        var mask = Empty(Shape, DType);
        double keep = p >= 1 ? 0 : 1 / (1 - p);
        if (DType == DType.Float32) rng.FillDropoutMask(mask.Span<float>(), p, (float)keep);
        else rng.FillDropoutMask(mask.Span<double>(), p, keep);
        var y = Elementwise.Zip(this, mask, new MulOp(), "Dropout");
        return Tape.Record(y, "dropout", [this], g => [g.Mul(mask)]);
    }
}
