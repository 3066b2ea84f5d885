using System.Numerics;

namespace Lepton.Engine.Kernels;

// The elementwise functions. Each is a struct so the JIT inlines it into the loop.
#pragma warning disable CS1591
internal readonly struct NegOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => -x; public bool Vectorized => true; public Vector<T> Apply<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => -x; }
internal readonly struct ExpOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x); }
internal readonly struct LogOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x); }
internal readonly struct SqrtOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x); }
internal readonly struct AbsOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x); }
internal readonly struct SignOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero; }
internal readonly struct TanhOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x); }
internal readonly struct SquareOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x * x; public bool Vectorized => true; public Vector<T> Apply<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => x * x; }
internal readonly struct ReciprocalOp : IUnaryOp { public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / x; }

internal readonly struct SigmoidOp : IUnaryOp
{
    // Two branches keep exp() from overflowing for large |x|.
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
        var e = T.Exp(x);
        return e / (T.One + e);
    }
}

internal readonly struct ReluOp : IUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : T.Zero;
    public bool Vectorized => true;
    public Vector<T> Apply<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, Vector<T>.Zero);
}

/// <summary>The ReLU gradient in one pass: g where x &gt; 0, else 0 (a = g, b = x).</summary>
internal readonly struct ReluGradOp : IBinaryOp
{
    public T Apply<T>(T g, T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? g : T.Zero;
    public bool Vectorized => true;
    public Vector<T> Apply<T>(Vector<T> g, Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), g, Vector<T>.Zero);
}

internal readonly struct LeakyReluOp(double slope) : IUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : x * T.CreateTruncating(slope);
}

internal readonly struct LeakyStepOp(double slope) : IUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : T.CreateTruncating(slope);
}

/// <summary>Exact GELU, x * Φ(x), as PyTorch's default.</summary>
internal readonly struct GeluOp : IUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var half = T.CreateTruncating(0.5);
        return x * half * (T.One + ScalarMath.Erf(x * T.CreateTruncating(0.70710678118654752440)));
    }
}

/// <summary>d/dx GELU = Φ(x) + x φ(x).</summary>
internal readonly struct GeluGradOp : IUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var half = T.CreateTruncating(0.5);
        var cdf = half * (T.One + ScalarMath.Erf(x * T.CreateTruncating(0.70710678118654752440)));
        var pdf = T.Exp(-half * x * x) * T.CreateTruncating(0.39894228040143267794);
        return cdf + x * pdf;
    }
}

internal readonly struct ClampOp(double min, double max) : IUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var lo = T.CreateTruncating(min);
        var hi = T.CreateTruncating(max);
        return x < lo ? lo : x > hi ? hi : x;
    }
}

/// <summary>1 where min ≤ x ≤ max (the clamp gradient mask).</summary>
internal readonly struct InRangeOp(double min, double max) : IUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        x >= T.CreateTruncating(min) && x <= T.CreateTruncating(max) ? T.One : T.Zero;
}

internal readonly struct PowScalarOp(double p) : IUnaryOp
{
    public T Apply<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        p == 2 ? x * x : p == 1 ? x : T.Pow(x, T.CreateTruncating(p));
}

internal readonly struct AddOp : IBinaryOp { public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a + b; public bool Vectorized => true; public Vector<T> Apply<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a + b; }
internal readonly struct SubOp : IBinaryOp { public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a - b; public bool Vectorized => true; public Vector<T> Apply<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a - b; }
internal readonly struct MulOp : IBinaryOp { public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * b; public bool Vectorized => true; public Vector<T> Apply<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a * b; }
internal readonly struct DivOp : IBinaryOp { public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a / b; public bool Vectorized => true; public Vector<T> Apply<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => a / b; }
internal readonly struct PowOp : IBinaryOp { public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Pow(a, b); }
internal readonly struct MaximumOp : IBinaryOp { public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a >= b ? a : b; public bool Vectorized => true; public Vector<T> Apply<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThanOrEqual(a, b), a, b); }
internal readonly struct MinimumOp : IBinaryOp { public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a <= b ? a : b; public bool Vectorized => true; public Vector<T> Apply<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.LessThanOrEqual(a, b), a, b); }

internal enum Comparison { Eq, Ne, Lt, Le, Gt, Ge }

internal readonly struct CompareOp(Comparison c) : IBinaryOp
{
    public T Apply<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool r = c switch
        {
            Comparison.Eq => a == b,
            Comparison.Ne => a != b,
            Comparison.Lt => a < b,
            Comparison.Le => a <= b,
            Comparison.Gt => a > b,
            _ => a >= b,
        };
        return r ? T.One : T.Zero;
    }
}
#pragma warning restore CS1591
