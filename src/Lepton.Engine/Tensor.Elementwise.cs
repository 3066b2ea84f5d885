using Lepton.Engine.Autograd;
using Lepton.Engine.Kernels;

namespace Lepton.Engine;

public sealed partial class Tensor
{
    private Tensor ScalarLike(double v) => Scalar(v, DType);

    // ---- binary, broadcasting ----

    public Tensor Add(Tensor b)
    {
        var r = Elementwise.Zip(this, b, new AddOp(), "Add");
        var (sa, sb) = (Shape, b.Shape);
        return Tape.Record(r, "add", [this, b], g => [g.SumTo(sa), g.SumTo(sb)]);
    }

    public Tensor Sub(Tensor b)
    {
        var r = Elementwise.Zip(this, b, new SubOp(), "Sub");
        var (sa, sb) = (Shape, b.Shape);
        return Tape.Record(r, "sub", [this, b], g => [g.SumTo(sa), g.Neg().SumTo(sb)]);
    }

    public Tensor Mul(Tensor b)
    {
        var r = Elementwise.Zip(this, b, new MulOp(), "Mul");
        var a = this;
        return Tape.Record(r, "mul", [this, b], g => [
            a.RequiresGrad ? g.Mul(b).SumTo(a.Shape) : null,
            b.RequiresGrad ? g.Mul(a).SumTo(b.Shape) : null]);
    }

    public Tensor Div(Tensor b)
    {
        var r = Elementwise.Zip(this, b, new DivOp(), "Div");
        var a = this;
        return Tape.Record(r, "div", [this, b], g => [
            a.RequiresGrad ? g.Div(b).SumTo(a.Shape) : null,
            b.RequiresGrad ? g.Mul(r).Div(b).Neg().SumTo(b.Shape) : null]);
    }

    /// <summary>Elementwise a^b; the gradient for the base needs a &gt; 0 where b is not an integer.</summary>
    public Tensor Pow(Tensor b)
    {
        var r = Elementwise.Zip(this, b, new PowOp(), "Pow");
        var a = this;
        return Tape.Record(r, "pow", [this, b], g => [
            a.RequiresGrad ? g.Mul(b).Mul(a.Pow(b.Sub(b.ScalarLike(1)))).SumTo(a.Shape) : null,
            b.RequiresGrad ? g.Mul(r).Mul(a.Log()).SumTo(b.Shape) : null]);
    }

    public Tensor Pow(double p)
    {
        var r = Elementwise.Map(this, new PowScalarOp(p));
        var a = this;
        return Tape.Record(r, "pow", [this], g => [g.Mul(Elementwise.Map(a, new PowScalarOp(p - 1))).Mul(p)]);
    }

    /// <summary>Elementwise maximum; ties send the gradient to the first operand.</summary>
    public Tensor Maximum(Tensor b)
    {
        var r = Elementwise.Zip(this, b, new MaximumOp(), "Maximum");
        var a = this;
        return Tape.Record(r, "maximum", [this, b], g =>
        {
            var mask = a.Ge(b);
            return [g.Mul(mask).SumTo(a.Shape), g.Mul(mask.OneMinus()).SumTo(b.Shape)];
        });
    }

    public Tensor Minimum(Tensor b)
    {
        var r = Elementwise.Zip(this, b, new MinimumOp(), "Minimum");
        var a = this;
        return Tape.Record(r, "minimum", [this, b], g =>
        {
            var mask = a.Le(b);
            return [g.Mul(mask).SumTo(a.Shape), g.Mul(mask.OneMinus()).SumTo(b.Shape)];
        });
    }

    public Tensor Add(double v) => Add(ScalarLike(v));
    public Tensor Sub(double v) => Sub(ScalarLike(v));
    public Tensor Mul(double v) => Mul(ScalarLike(v));
    public Tensor Div(double v) => Div(ScalarLike(v));

    private Tensor OneMinus() => ScalarLike(1).Sub(this);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator +(Tensor a, double b) => a.Add(b);
    public static Tensor operator -(Tensor a, double b) => a.Sub(b);
    public static Tensor operator *(Tensor a, double b) => a.Mul(b);
    public static Tensor operator /(Tensor a, double b) => a.Div(b);
    public static Tensor operator +(double a, Tensor b) => b.ScalarLike(a).Add(b);
    public static Tensor operator -(double a, Tensor b) => b.ScalarLike(a).Sub(b);
    public static Tensor operator *(double a, Tensor b) => b.ScalarLike(a).Mul(b);
    public static Tensor operator /(double a, Tensor b) => b.ScalarLike(a).Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();

    // ---- comparisons: 1/0 masks of the same float dtype, never differentiable ----

    private Tensor Compare(Tensor b, Comparison c) => Elementwise.Zip(this, b, new CompareOp(c), c.ToString());
    public Tensor Eq(Tensor b) => Compare(b, Comparison.Eq);
    public Tensor Ne(Tensor b) => Compare(b, Comparison.Ne);
    public Tensor Lt(Tensor b) => Compare(b, Comparison.Lt);
    public Tensor Le(Tensor b) => Compare(b, Comparison.Le);
    public Tensor Gt(Tensor b) => Compare(b, Comparison.Gt);
    public Tensor Ge(Tensor b) => Compare(b, Comparison.Ge);
    public Tensor Eq(double v) => Eq(ScalarLike(v));
    public Tensor Lt(double v) => Lt(ScalarLike(v));
    public Tensor Gt(double v) => Gt(ScalarLike(v));
    public Tensor Le(double v) => Le(ScalarLike(v));
    public Tensor Ge(double v) => Ge(ScalarLike(v));

    /// <summary>Picks a where the mask is non-zero, b elsewhere (all three broadcast).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        a.RequireFloat("Where");
        b.RequireFloat("Where");
        if (a.DType != b.DType) throw new ArgumentException($"Where: a is {a.DType} but b is {b.DType}; convert one with To().");
        // An integer mask (UInt8, Int32, ...) converts exactly as far as zero/non-zero goes.
        if (!condition.DType.IsFloat()) condition = condition.To(a.DType);
        var mask = condition.Ne(condition.ScalarLike(0));
        if (mask.DType != a.DType) mask = mask.To(a.DType);
        var shape = Shape.Broadcast(Shape.Broadcast(mask.Shape, a.Shape, "Where"), b.Shape, "Where");
        var r = Empty(shape, a.DType);
        using (new NoGrad())
        {
            // a*mask + b*(1-mask) would turn inf*0 into NaN; select explicitly instead.
            var m = mask.Expand(shape.ToArray()).Contiguous().ToDoubleArray();
            var av = a.Expand(shape.ToArray()).Contiguous();
            var bv = b.Expand(shape.ToArray()).Contiguous();
            if (a.DType == DType.Float32)
            {
                Span<float> x = av.Span<float>(), y = bv.Span<float>(), o = r.Span<float>();
                for (int i = 0; i < o.Length; i++) o[i] = m[i] != 0 ? x[i] : y[i];
            }
            else
            {
                Span<double> x = av.Span<double>(), y = bv.Span<double>(), o = r.Span<double>();
                for (int i = 0; i < o.Length; i++) o[i] = m[i] != 0 ? x[i] : y[i];
            }
        }
        // Recorded outside the NoGrad scope above, or the op would never reach the graph.
        var inv = mask.OneMinus();
        return Tape.Record(r, "where", [a, b], g => [g.Mul(mask).SumTo(a.Shape), g.Mul(inv).SumTo(b.Shape)]);
    }

    // ---- unary ----

    public Tensor Neg() => Tape.Record(Elementwise.Map(this, new NegOp()), "neg", [this], g => [g.Neg()]);

    public Tensor Exp()
    {
        var r = Elementwise.Map(this, new ExpOp());
        return Tape.Record(r, "exp", [this], g => [g.Mul(r)]);
    }

    public Tensor Log()
    {
        var x = this;
        return Tape.Record(Elementwise.Map(this, new LogOp()), "log", [this], g => [g.Div(x)]);
    }

    public Tensor Sqrt()
    {
        var r = Elementwise.Map(this, new SqrtOp());
        return Tape.Record(r, "sqrt", [this], g => [g.Div(r).Mul(0.5)]);
    }

    public Tensor Square()
    {
        var x = this;
        return Tape.Record(Elementwise.Map(this, new SquareOp()), "square", [this], g => [g.Mul(x).Mul(2)]);
    }

    public Tensor Abs()
    {
        var x = this;
        return Tape.Record(Elementwise.Map(this, new AbsOp()), "abs", [this], g => [g.Mul(Elementwise.Map(x, new SignOp()))]);
    }

    public Tensor Sign() => Elementwise.Map(this, new SignOp());

    public Tensor Tanh()
    {
        var r = Elementwise.Map(this, new TanhOp());
        return Tape.Record(r, "tanh", [this], g => [g.Mul(r.Square().OneMinus())]);
    }

    public Tensor Sigmoid()
    {
        var r = Elementwise.Map(this, new SigmoidOp());
        return Tape.Record(r, "sigmoid", [this], g => [g.Mul(r).Mul(r.OneMinus())]);
    }

    public Tensor Relu()
    {
        var x = this;
        return Tape.Record(Elementwise.Map(this, new ReluOp()), "relu", [this], g => [Elementwise.Zip(g, x, new ReluGradOp(), "relu_backward")]);
    }

    public Tensor LeakyRelu(double slope = 0.01)
    {
        var x = this;
        return Tape.Record(Elementwise.Map(this, new LeakyReluOp(slope)), "leaky_relu", [this],
            g => [g.Mul(Elementwise.Map(x, new LeakyStepOp(slope)))]);
    }

    /// <summary>Exact (erf) GELU, PyTorch's default.</summary>
    public Tensor Gelu()
    {
        var x = this;
        return Tape.Record(Elementwise.Map(this, new GeluOp()), "gelu", [this], g => [g.Mul(Elementwise.Map(x, new GeluGradOp()))]);
    }

    public Tensor Clamp(double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var x = this;
        return Tape.Record(Elementwise.Map(this, new ClampOp(min, max)), "clamp", [this],
            g => [g.Mul(Elementwise.Map(x, new InRangeOp(min, max)))]);
    }
}
