using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Layers;

namespace Lepton.Compression.Lora;

/// <summary>
/// One low-rank adapter (Hu et al., LoRA): A (r,in) and B (out,r) add (alpha / r) B A x to a frozen linear map. A starts as
/// PEFT's (Kaiming uniform, a = √5) and B at zero, so a fresh adapter changes nothing until it trains.
/// </summary>
public sealed class LoraAdapter : ILinearAdapter
{
    public LoraAdapter(int inFeatures, int outFeatures, int rank, double alpha, Generator rng, DType dtype = DType.Float32)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"LoraAdapter needs in_features > 0 and out_features > 0, got ({inFeatures}, {outFeatures}).");
        new LoraOptions(rank, alpha).Validate();
        ArgumentNullException.ThrowIfNull(rng);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Rank = rank;
        Alpha = alpha;
        var a = Tensor.Zeros(new Shape(rank, inFeatures), dtype);
        Init.KaimingUniform(a, rng, a: Math.Sqrt(5));
        A = new Parameter(a, "lora_A.weight");
        B = new Parameter(Tensor.Zeros(new Shape(outFeatures, rank), dtype), "lora_B.weight");
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public int Rank { get; }

    public double Alpha { get; }

    /// <summary>alpha / r.</summary>
    public double Scale => Alpha / Rank;

    /// <summary>The down projection (r, in).</summary>
    public Parameter A { get; }

    /// <summary>The up projection (out, r), zero at the start.</summary>
    public Parameter B { get; }

    /// <summary>Elements in A and B.</summary>
    public long ParameterCount => (long)A.Numel + B.Numel;

    // x: (*, in) → (*, r) → (*, out); two thin products instead of forming the (out, in) update.
    public Tensor Delta(Tensor x) => x.Linear(A.Value).Linear(B.Value).Mul(Scale);

    /// <summary>The dense update (alpha / r) B A, (out, in), to fold into the base weight.</summary>
    public Tensor DenseUpdate()
    {
        using var _ = new NoGrad();
        return B.Value.Matmul(A.Value).Mul(Scale);
    }
}
