namespace Lepton.Training.Classic.Linear;

/// <summary>A smooth objective f(x) for <see cref="Lbfgs"/>: returns f and writes ∇f into the gradient span.</summary>
public delegate double SmoothObjective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Stopping rules of <see cref="Lbfgs"/>.</summary>
public sealed record LbfgsOptions(int MaxIterations = 1000, double GradientTolerance = 1e-9, int History = 10);

/// <summary>Where <see cref="Lbfgs"/> stopped: the objective (with its L1 term), the iterations taken and whether the gradient test passed.</summary>
public sealed record LbfgsResult(double Objective, int Iterations, bool Converged, double GradientNorm);

/// <summary>
/// Limited-memory BFGS in double precision, and OWL-QN (Andrew &amp; Gao 2007) when an L1 term λ₁‖x‖₁ covers some
/// coordinates: the pseudo-gradient replaces the gradient, steps stay in the orthant they start in, and coordinates that
/// would cross zero stop at zero, so L1 solutions come out exactly sparse. Backtracking (Armijo) line search.
/// Coordinates may also be held to a sign (x_j ≥ 0 or x_j ≤ 0, a monotone constraint on a linear model's weight) by the same
/// projection: a step that would cross zero stops there, and a coordinate resting at zero whose gradient pushes it across counts
/// as converged (the projected gradient), so a converged result meets the constrained problem's optimality conditions.
/// Written here because no maintained .NET package offers OWL-QN; the problems are small and convex.
/// </summary>
public static class Lbfgs
{
    /// <summary>
    /// Minimizes f(x) + <paramref name="l1"/> Σ_{j: l1Mask[j]} |x_j| from <paramref name="x"/> (updated in place), with x_j ≥ 0 where
    /// <paramref name="signs"/>[j] is +1 and x_j ≤ 0 where it is -1 (a start outside is moved to 0 first).
    /// Converged means the (pseudo-, projected) gradient's largest entry fell to <see cref="LbfgsOptions.GradientTolerance"/>.
    /// </summary>
    public static LbfgsResult Minimize(SmoothObjective f, Span<double> x, LbfgsOptions? options = null, double l1 = 0, ReadOnlySpan<bool> l1Mask = default,
        CancellationToken ct = default, ReadOnlySpan<sbyte> signs = default)
    {
        ArgumentNullException.ThrowIfNull(f);
        var o = options ?? new LbfgsOptions();
        if (o.History < 1) throw new ArgumentException($"L-BFGS history must be >= 1, got {o.History}.");
        if (l1 < 0) throw new ArgumentOutOfRangeException(nameof(l1), $"The L1 weight must be >= 0, got {l1}.");
        if (l1 > 0 && l1Mask.Length != x.Length) throw new ArgumentException($"An L1 term needs a mask of {x.Length} entries, got {l1Mask.Length}.");
        int n = x.Length, m = o.History;
        var s = new double[m][];
        var y = new double[m][];
        var rho = new double[m];
        for (int i = 0; i < m; i++) (s[i], y[i]) = (new double[n], new double[n]);
        var alpha = new double[m];
        var g = new double[n];
        var pg = new double[n];
        var d = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var sNext = new double[n];
        var pgNew = new double[n];
        var yNext = new double[n];
        var mask = l1 > 0 ? l1Mask.ToArray() : null;
        if (signs.Length != 0 && signs.Length != x.Length) throw new ArgumentException($"Sign constraints need {x.Length} entries, got {signs.Length}.");
        var sign = signs.Length != 0 && signs.ContainsAnyExcept((sbyte)0) ? signs.ToArray() : null;
        var active = sign is null ? null : new bool[n];
        if (sign is not null)
            for (int j = 0; j < n; j++)
            {
                if (sign[j] is < -1 or > 1) throw new ArgumentException($"Sign constraint {j} is {sign[j]}; use +1 (x >= 0), -1 (x <= 0) or 0 (free).");
                if (sign[j] * x[j] < 0) x[j] = 0;
            }

        double fx = f(x, g) + Penalty(x, l1, mask);
        PseudoGradient(x, g, l1, mask, pg);
        Project(x, pg, sign, active);
        int stored = 0, head = 0, iteration = 0;
        double gnorm = MaxAbs(pg);
        while (gnorm > o.GradientTolerance && iteration < o.MaxIterations)
        {
            ct.ThrowIfCancellationRequested();
            iteration++;
            // d = -H pg by the two-loop recursion over the stored pairs, newest first.
            for (int j = 0; j < n; j++) d[j] = -pg[j];
            for (int k = 0; k < stored; k++)
            {
                int i = (head - 1 - k + m) % m;
                alpha[i] = rho[i] * Dot(s[i], d);
                Axpy(-alpha[i], y[i], d);
            }
            if (stored > 0)
            {
                int newest = (head - 1 + m) % m;
                double scale = Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]);
                for (int j = 0; j < n; j++) d[j] *= scale;
            }
            for (int k = stored - 1; k >= 0; k--)
            {
                int i = (head - 1 - k + m) % m;
                double beta = rho[i] * Dot(y[i], d);
                Axpy(alpha[i] - beta, s[i], d);
            }
            if (mask is not null)
            {
                // OWL-QN: keep only the components that descend along the pseudo-gradient.
                for (int j = 0; j < n; j++) if (mask[j] && d[j] * pg[j] >= 0) d[j] = 0;
            }
            if (sign is not null)
            {
                // A coordinate resting at its bound stays there when its gradient pushes it across (the active set: the projected
                // gradient left it out, and the curvature pairs must not pull it back in), and never steps across.
                for (int j = 0; j < n; j++)
                    if (active![j] || sign[j] != 0 && x[j] == 0 && sign[j] * d[j] < 0) d[j] = 0;
            }
            double slope = Dot(pg, d);
            if (!(slope < 0))
            {
                // The quasi-Newton direction stopped descending (curvature pairs gone stale): restart from steepest descent.
                for (int j = 0; j < n; j++) d[j] = -pg[j];
                slope = Dot(pg, d);
                stored = 0;
            }
            double step = stored == 0 ? Math.Min(1, 1 / Math.Max(gnorm, 1e-300)) : 1;
            double fNew = double.NaN;
            bool accepted = false;
            for (int tries = 0; tries < 60; tries++)
            {
                for (int j = 0; j < n; j++)
                {
                    double v = x[j] + step * d[j];
                    // Stay in the orthant of x (or of -pg where x is 0): a coordinate that would change sign stops at 0.
                    if (mask is not null && mask[j])
                    {
                        double orthant = x[j] != 0 ? Math.Sign(x[j]) : -Math.Sign(pg[j]);
                        if (Math.Sign(v) != orthant) v = 0;
                    }
                    if (sign is not null && sign[j] * v < 0) v = 0;
                    xNew[j] = v;
                }
                fNew = f(xNew, gNew) + Penalty(xNew, l1, mask);
                double decrease = 0;
                for (int j = 0; j < n; j++) decrease += pg[j] * (xNew[j] - x[j]);
                if (fNew <= fx + 1e-4 * decrease) { accepted = true; break; }
                // Near the minimum f changes by less than its rounding (about g² / curvature): a step that keeps f within rounding
                // and shrinks the gradient is progress the Armijo test cannot see.
                PseudoGradient(xNew, gNew, l1, mask, pgNew);
                Project(xNew, pgNew, sign, null);
                if (fNew <= fx + 1e-13 * Math.Max(1, Math.Abs(fx)) && MaxAbs(pgNew) < gnorm) { accepted = true; break; }
                step *= 0.5;
            }
            if (!accepted) break; // no step lowers f at this precision: as close as double arithmetic gets
            // Curvature pair from the smooth part's gradients.
            // Built in spare buffers: a rejected pair must not overwrite the oldest stored one.
            for (int j = 0; j < n; j++) { sNext[j] = xNew[j] - x[j]; yNext[j] = gNew[j] - g[j]; }
            double sy = Dot(sNext, yNext);
            if (sy > 1e-12 * Math.Sqrt(Dot(sNext, sNext) * Dot(yNext, yNext)))
            {
                (s[head], sNext) = (sNext, s[head]);
                (y[head], yNext) = (yNext, y[head]);
                rho[head] = 1 / sy;
                head = (head + 1) % m;
                stored = Math.Min(stored + 1, m);
            }
            xNew.CopyTo(x);
            gNew.CopyTo(g.AsSpan());
            fx = fNew;
            PseudoGradient(x, g, l1, mask, pg);
            Project(x, pg, sign, active);
            gnorm = MaxAbs(pg);
        }
        return new LbfgsResult(fx, iteration, gnorm <= o.GradientTolerance, gnorm);
    }

    private static double Penalty(ReadOnlySpan<double> x, double l1, bool[]? mask)
    {
        if (mask is null) return 0;
        double sum = 0;
        for (int j = 0; j < x.Length; j++) if (mask[j]) sum += Math.Abs(x[j]);
        return l1 * sum;
    }

    // The steepest-descent direction's negative for f + l1|x|: the gradient where x ≠ 0, and at 0 the one-sided
    // derivative that descends, or 0 when neither side does.
    private static void PseudoGradient(ReadOnlySpan<double> x, double[] g, double l1, bool[]? mask, double[] pg)
    {
        for (int j = 0; j < x.Length; j++)
        {
            if (mask is null || !mask[j]) { pg[j] = g[j]; continue; }
            if (x[j] > 0) pg[j] = g[j] + l1;
            else if (x[j] < 0) pg[j] = g[j] - l1;
            else if (g[j] + l1 < 0) pg[j] = g[j] + l1;
            else if (g[j] - l1 > 0) pg[j] = g[j] - l1;
            else pg[j] = 0;
        }
    }

    // The projected gradient: a coordinate at its sign bound whose descent (-pg) points across the bound cannot move, so its entry
    // is 0 and it joins the active set (when one is kept).
    private static void Project(ReadOnlySpan<double> x, double[] pg, sbyte[]? sign, bool[]? active)
    {
        if (sign is null) return;
        for (int j = 0; j < x.Length; j++)
        {
            bool held = x[j] == 0 && sign[j] * pg[j] > 0;
            if (held) pg[j] = 0;
            if (active is not null) active[j] = held;
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] += a * x[i];
    }

    private static double MaxAbs(ReadOnlySpan<double> v)
    {
        double max = 0;
        foreach (var e in v) max = Math.Max(max, Math.Abs(e));
        return max;
    }
}
