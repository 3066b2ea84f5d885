namespace Lepton.Training.Quality;

/// <summary>
/// Multinomial logistic regression on standardized features, trained full-batch with Adam: small, exact and
/// deterministic (no minibatch order), so out-of-fold probabilities are the same on every run.
/// </summary>
internal sealed class SoftmaxRegression
{
    private readonly double[] _mean, _scale, _w, _b;
    private readonly int _d, _k;

    private SoftmaxRegression(double[] mean, double[] scale, double[] w, double[] b, int d, int k)
    {
        (_mean, _scale, _w, _b, _d, _k) = (mean, scale, w, b, d, k);
    }

    public static SoftmaxRegression Train(float[] x, int[] y, int[] rows, int d, int k, OutOfFoldOptions o)
    {
        int n = rows.Length;
        var mean = new double[d];
        var scale = new double[d];
        foreach (var r in rows) for (int j = 0; j < d; j++) mean[j] += x[r * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        foreach (var r in rows) for (int j = 0; j < d; j++) { double v = x[r * d + j] - mean[j]; scale[j] += v * v; }
        for (int j = 0; j < d; j++) scale[j] = 1 / Math.Sqrt(scale[j] / n + 1e-6);
        var z = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) z[i * d + j] = (x[rows[i] * d + j] - mean[j]) * scale[j];

        var w = new double[k * d];
        var b = new double[k];
        var gw = new double[k * d];
        var gb = new double[k];
        var mw = new double[k * d]; var vw = new double[k * d];
        var mb = new double[k]; var vb = new double[k];
        var p = new double[k];
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        for (int step = 1; step <= o.Steps; step++)
        {
            Array.Clear(gw); Array.Clear(gb);
            for (int i = 0; i < n; i++)
            {
                var zi = z.AsSpan(i * d, d);
                Logits(w, b, zi, p, d, k);
                Softmax(p);
                p[y[rows[i]]] -= 1;
                for (int c = 0; c < k; c++)
                {
                    double g = p[c] / n;
                    gb[c] += g;
                    var gwc = gw.AsSpan(c * d, d);
                    for (int j = 0; j < d; j++) gwc[j] += g * zi[j];
                }
            }
            for (int t = 0; t < gw.Length; t++) gw[t] += o.L2 * w[t];
            double c1 = 1 - Math.Pow(beta1, step), c2 = 1 - Math.Pow(beta2, step);
            for (int t = 0; t < w.Length; t++)
            {
                mw[t] = beta1 * mw[t] + (1 - beta1) * gw[t];
                vw[t] = beta2 * vw[t] + (1 - beta2) * gw[t] * gw[t];
                w[t] -= o.LearningRate * (mw[t] / c1) / (Math.Sqrt(vw[t] / c2) + eps);
            }
            for (int c = 0; c < k; c++)
            {
                mb[c] = beta1 * mb[c] + (1 - beta1) * gb[c];
                vb[c] = beta2 * vb[c] + (1 - beta2) * gb[c] * gb[c];
                b[c] -= o.LearningRate * (mb[c] / c1) / (Math.Sqrt(vb[c] / c2) + eps);
            }
        }
        return new SoftmaxRegression(mean, scale, w, b, d, k);
    }

    public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        var z = new double[_d];
        for (int j = 0; j < _d; j++) z[j] = (features[j] - _mean[j]) * _scale[j];
        var p = new double[_k];
        Logits(_w, _b, z, p, _d, _k);
        Softmax(p);
        for (int c = 0; c < _k; c++) probabilities[c] = (float)p[c];
    }

    private static void Logits(double[] w, double[] b, ReadOnlySpan<double> z, double[] p, int d, int k)
    {
        for (int c = 0; c < k; c++)
        {
            double s = b[c];
            var wc = w.AsSpan(c * d, d);
            for (int j = 0; j < d; j++) s += wc[j] * z[j];
            p[c] = s;
        }
    }

    private static void Softmax(double[] p)
    {
        double max = p.Max(), sum = 0;
        for (int c = 0; c < p.Length; c++) { p[c] = Math.Exp(p[c] - max); sum += p[c]; }
        for (int c = 0; c < p.Length; c++) p[c] /= sum;
    }
}
