using Lepton.Engine;
using Lepton.NN.Serialization;

namespace Lepton.Runtime.Conformal;

/// <summary>
/// A regressor served with the band its conformalized quantile intervals are built from: the two quantile models in the folder's
/// <see cref="ConformalIntervals.BandFolders"/> read the same preprocessed inputs, and their answers come out as one more output,
/// <see cref="OutputName"/> (N, 2) of (lower, upper), after the model's own. Owns the three models.
/// </summary>
public sealed class IntervalBandPredictor : IPredictor
{
    /// <summary>The output the band is answered in, last among the outputs.</summary>
    public const string OutputName = "interval_band";

    private readonly IPredictor _lower;
    private readonly IPredictor _upper;

    public IntervalBandPredictor(IPredictor inner, IPredictor lower, IPredictor upper)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        var signature = inner.Signature;
        if (signature.Task is not { Kind: TaskKind.Regression } || signature.Outputs[0].ExampleShape is not [1])
            throw new InvalidDataException($"The folders {ConformalIntervals.BandFolders.Lower} and {ConformalIntervals.BandFolders.Upper} hold the quantile models of a regressor of one value, but this model is not one; delete them.");
        foreach (var (band, name) in new[] { (lower, ConformalIntervals.BandFolders.Lower), (upper, ConformalIntervals.BandFolders.Upper) })
        {
            var s = band.Signature;
            if (s.Task is not { Kind: TaskKind.Regression } || s.Outputs[0].ExampleShape is not [1] || !SameInputs(s, signature))
                throw new InvalidDataException($"The quantile model in {name} does not read the model's inputs or answer one value; the files belong to different models. Retrain with --intervals-method quantiles.");
        }
        Inner = inner;
        _lower = lower;
        _upper = upper;
        Signature = new PredictorSignature(signature.Inputs, [.. signature.Outputs, new TensorSignature(OutputName, DType.Float32, [2])], signature.Kind,
            signature.ClassNames, signature.Task);
    }

    /// <summary>The model whose answers the band surrounds.</summary>
    public IPredictor Inner { get; }

    public string Kind => Inner.Kind;

    public PredictorSignature Signature { get; }

    /// <summary>
    /// <paramref name="inner"/> with its band when the folder's <c>intervals.json</c> conformalizes quantile models; itself otherwise. The
    /// band's models are loaded by <paramref name="load"/>; intervals that need a band the folder lacks are an error naming the fix.
    /// </summary>
    public static IPredictor Wrap(IPredictor inner, string folder, Func<string, IPredictor> load)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(load);
        IPredictor? lower = null, upper = null;
        try
        {
            if (ConformalIntervals.Load(folder) is not { NeedsBand: true }) return inner;
            string lowerFolder = Path.Combine(folder, ConformalIntervals.BandFolders.Lower), upperFolder = Path.Combine(folder, ConformalIntervals.BandFolders.Upper);
            if (!Directory.Exists(lowerFolder) || !Directory.Exists(upperFolder))
                throw new InvalidDataException($"{ConformalIntervals.FileName} conformalizes two quantile models, but the folder lacks {ConformalIntervals.BandFolders.Lower} or {ConformalIntervals.BandFolders.Upper}; retrain with --intervals-method quantiles, or delete {ConformalIntervals.FileName} to serve the model without intervals.");
            lower = load(lowerFolder);
            upper = load(upperFolder);
            return new IntervalBandPredictor(inner, lower, upper);
        }
        catch
        {
            lower?.Dispose();
            upper?.Dispose();
            inner.Dispose();
            throw;
        }
    }

    /// <summary>The (N, 2) band rows among <paramref name="outputs"/> of a predictor with <paramref name="signature"/>, or null when it answers none.</summary>
    public static float[]? BandOf(PredictorSignature signature, TensorSet outputs)
    {
        ArgumentNullException.ThrowIfNull(signature);
        int at = signature.Outputs.Count - 1;
        if (at < 1 || signature.Outputs[at].Name != OutputName || outputs.Count <= at) return null;
        return outputs[at].Contiguous().To(DType.Float32).ToArray<float>();
    }

    public Tensor Preprocess(int input, Tensor raw) => Inner.Preprocess(input, raw);

    // inputs as the model reads them → its outputs, then the band (N, 2): (lower, upper) of every row
    public TensorSet Predict(TensorSet inputs)
    {
        var outputs = Inner.Predict(inputs);
        var lower = _lower.Predict(inputs)[0].Contiguous().To(DType.Float32).ToArray<float>();
        var upper = _upper.Predict(inputs)[0].Contiguous().To(DType.Float32).ToArray<float>();
        int n = lower.Length;
        var band = new float[2 * n];
        for (int i = 0; i < n; i++)
        {
            band[2 * i] = lower[i];
            band[2 * i + 1] = upper[i];
        }
        return new TensorSet([.. Enumerable.Range(0, outputs.Count).Select(i => outputs[i]), Tensor.FromArray(band, n, 2)]);
    }

    public void Dispose()
    {
        Inner.Dispose();
        _lower.Dispose();
        _upper.Dispose();
    }

    private static bool SameInputs(PredictorSignature a, PredictorSignature b) =>
        a.Inputs.Count == b.Inputs.Count && a.Inputs.Zip(b.Inputs).All(p => p.First.Name == p.Second.Name && p.First.DType == p.Second.DType
                                                                         && p.First.ExampleShape.SequenceEqual(p.Second.ExampleShape));
}
