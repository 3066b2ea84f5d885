using System.Numerics;
using System.Runtime.Intrinsics;

namespace Lepton.Engine.Kernels;

/// <summary>
/// The loops of <see cref="BatchNormKernels"/> over one contiguous run of a channel (an H·W plane): sums widened to
/// double (float32 values are converted lane by lane), elementwise passes in the tensor's own type. Vector lanes and
/// the scalar tail compute each element with the same operations, so an element's result does not depend on where
/// it falls.
/// </summary>
internal static unsafe class BatchNormSimd
{
    /// <summary>Σ x[i] in double.</summary>
    public static double Sum<T>(T* x, int len) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Sum((float*)x, len);
        double* p = (double*)x;
        var acc = Vector256<double>.Zero;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 4 <= len; i += 4) acc += Vector256.Load(p + i);
        double s = Vector256.Sum(acc);
        for (; i < len; i++) s += p[i];
        return s;
    }

    private static double Sum(float* x, int len)
    {
        Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= len; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(x + i));
                acc0 += lo;
                acc1 += hi;
            }
        }
        double s = Vector256.Sum(acc0 + acc1);
        for (; i < len; i++) s += x[i];
        return s;
    }

    /// <summary>Σ (x[i] − mean)² in double.</summary>
    public static double SumSquaredDeviations<T>(T* x, int len, double mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Vector256.Create(mean);
        var acc0 = Vector256<double>.Zero;
        var acc1 = Vector256<double>.Zero;
        int i = 0;
        if (typeof(T) == typeof(float))
        {
            float* p = (float*)x;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= len; i += 8)
                {
                    var (lo, hi) = Vector256.Widen(Vector256.Load(p + i));
                    lo -= m;
                    hi -= m;
                    acc0 += lo * lo;
                    acc1 += hi * hi;
                }
            }
            double s = Vector256.Sum(acc0 + acc1);
            for (; i < len; i++)
            {
                double d = p[i] - mean;
                s += d * d;
            }
            return s;
        }
        else
        {
            double* p = (double*)x;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 4 <= len; i += 4)
                {
                    var d = Vector256.Load(p + i) - m;
                    acc0 += d * d;
                }
            }
            double s = Vector256.Sum(acc0);
            for (; i < len; i++)
            {
                double d = p[i] - mean;
                s += d * d;
            }
            return s;
        }
    }

    /// <summary>(Σ gy[i], Σ gy[i]·(x[i] − mean)) in double.</summary>
    public static (double SumGy, double SumGyDev) SumGyAndGyDeviation<T>(T* gy, T* x, int len, double mean)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = Vector256.Create(mean);
        Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero, d0 = Vector256<double>.Zero, d1 = Vector256<double>.Zero;
        int i = 0;
        double sg, sd;
        if (typeof(T) == typeof(float))
        {
            float* g = (float*)gy, p = (float*)x;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= len; i += 8)
                {
                    var (glo, ghi) = Vector256.Widen(Vector256.Load(g + i));
                    var (xlo, xhi) = Vector256.Widen(Vector256.Load(p + i));
                    s0 += glo;
                    s1 += ghi;
                    d0 += glo * (xlo - m);
                    d1 += ghi * (xhi - m);
                }
            }
            sg = Vector256.Sum(s0 + s1);
            sd = Vector256.Sum(d0 + d1);
            for (; i < len; i++)
            {
                sg += g[i];
                sd += g[i] * ((double)p[i] - mean);
            }
        }
        else
        {
            double* g = (double*)gy, p = (double*)x;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 4 <= len; i += 4)
                {
                    var gv = Vector256.Load(g + i);
                    s0 += gv;
                    d0 += gv * (Vector256.Load(p + i) - m);
                }
            }
            sg = Vector256.Sum(s0);
            sd = Vector256.Sum(d0);
            for (; i < len; i++)
            {
                sg += g[i];
                sd += g[i] * (p[i] - mean);
            }
        }
        return (sg, sd);
    }

    /// <summary>y[i] = (x[i] − m)·scale + shift.</summary>
    public static void Normalize<T>(T* x, T* y, int len, T m, T scale, T shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            int w = Vector256<T>.Count;
            Vector256<T> mv = Vector256.Create(m), sv = Vector256.Create(scale), bv = Vector256.Create(shift);
            for (; i + w <= len; i += w) ((Vector256.Load(x + i) - mv) * sv + bv).Store(y + i);
        }
        for (; i < len; i++) y[i] = (x[i] - m) * scale + shift;
    }

    /// <summary>gx[i] = a·gy[i].</summary>
    public static void Scale<T>(T* gy, T* gx, int len, T a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            int w = Vector256<T>.Count;
            var av = Vector256.Create(a);
            for (; i + w <= len; i += w) (Vector256.Load(gy + i) * av).Store(gx + i);
        }
        for (; i < len; i++) gx[i] = a * gy[i];
    }

    /// <summary>gx[i] = a·gy[i] + b·(x[i] − m) + d.</summary>
    public static void InputGradient<T>(T* gy, T* x, T* gx, int len, T a, T b, T m, T d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            int w = Vector256<T>.Count;
            Vector256<T> av = Vector256.Create(a), bv = Vector256.Create(b), mv = Vector256.Create(m), dv = Vector256.Create(d);
            for (; i + w <= len; i += w)
                (av * Vector256.Load(gy + i) + bv * (Vector256.Load(x + i) - mv) + dv).Store(gx + i);
        }
        for (; i < len; i++) gx[i] = a * gy[i] + b * (x[i] - m) + d;
    }
}
