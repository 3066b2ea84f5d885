namespace Lepton.Training.Classic.Linear;

/// <summary>The loss a linear learner minimizes.</summary>
public enum LinearLoss
{
    /// <summary>Log loss: logistic regression (one logit for binary, K softmax logits for multiclass).</summary>
    Logistic,

    /// <summary>½(prediction − target)²: least squares (ridge with L2, lasso with L1).</summary>
    SquaredError,

    /// <summary>max(0, 1 − y·margin)²: a linear SVM (one-vs-rest for several classes).</summary>
    SquaredHinge,

    /// <summary>
    /// The regression task's Poisson, gamma or Tweedie deviance through a log link (prediction = exp(margin)): a generalized
    /// linear model, as scikit-learn's PoissonRegressor, GammaRegressor and TweedieRegressor.
    /// </summary>
    Deviance,

    /// <summary>
    /// The regression task's absolute (Q = 0.5, the median) or quantile=Q loss of the residual r = y − m, ρ_Q(r) = max(Q·r, (Q − 1)·r):
    /// quantile regression, as scikit-learn's QuantileRegressor, solved through smooth approximations whose smoothing shrinks to nothing.
    /// </summary>
    Pinball,
}

/// <summary>
/// Options of <see cref="LinearLearner"/>. The objective is mean loss + <see cref="L2"/>/2·‖w‖² + <see cref="L1"/>·‖w‖₁ over
/// the weights (never the intercepts), on standardized features when <see cref="Standardize"/> (the penalty then treats every
/// feature alike, as scikit-learn's StandardScaler + estimator does).
/// </summary>
public sealed record LinearOptions
{
    /// <summary>The loss; null picks logistic for classification, and for regression squared error or the task's deviance (poisson, gamma, tweedie).</summary>
    public LinearLoss? Loss { get; init; }

    /// <summary>λ₂ on the mean loss; scikit-learn's LogisticRegression C is 1/(λ₂·n), Ridge's alpha is λ₂·n.</summary>
    public double L2 { get; init; } = 1e-3;

    /// <summary>λ₁ on the mean loss (scikit-learn's Lasso alpha); &gt; 0 switches the solver to OWL-QN.</summary>
    public double L1 { get; init; }

    /// <summary>Center and scale each feature to unit variance before fitting (the saved model works on raw features).</summary>
    public bool Standardize { get; init; } = true;

    public LbfgsOptions Solver { get; init; } = new();

    /// <summary>How the rows' losses are weighed by class (classifiers only); the mean loss becomes a weighted mean.</summary>
    public ClassWeighting ClassWeights { get; init; } = ClassWeighting.None;

    /// <summary>
    /// Columns whose weight keeps a sign (≥ 0 increasing, ≤ 0 decreasing), so the model's score only rises or only falls with them;
    /// yes/no and regression tasks (one score) only.
    /// </summary>
    public MonotoneConstraints Monotone { get; init; } = MonotoneConstraints.None;

    public static LinearOptions Logistic { get; } = new() { Loss = LinearLoss.Logistic };

    public static LinearOptions Ridge { get; } = new() { Loss = LinearLoss.SquaredError };

    public static LinearOptions Svm { get; } = new() { Loss = LinearLoss.SquaredHinge };

    public void Validate()
    {
        if (!(L2 >= 0) || double.IsInfinity(L2)) throw new ArgumentException($"LinearOptions.L2 must be a finite number >= 0, got {L2}.");
        if (!(L1 >= 0) || double.IsInfinity(L1)) throw new ArgumentException($"LinearOptions.L1 must be a finite number >= 0, got {L1}.");
        ArgumentNullException.ThrowIfNull(Solver);
        if (Solver.MaxIterations < 1) throw new ArgumentException($"LinearOptions.Solver.MaxIterations must be >= 1, got {Solver.MaxIterations}.");
    }
}
