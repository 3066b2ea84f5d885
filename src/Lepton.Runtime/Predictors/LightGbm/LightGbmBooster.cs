using System.Text;

namespace Lepton.Runtime.LightGbm;

/// <summary>
/// A LightGBM booster: created on a training set and grown one iteration at a time, or loaded from LightGBM's text model
/// format; predicts dense float rows. Calls on one booster come from one thread at a time.
/// </summary>
public sealed unsafe class LightGbmBooster : IDisposable
{
    private readonly BoosterSafeHandle _handle;
    // Data sets the native booster points at: each holds a reference so its memory outlives the booster.
    private readonly List<DatasetSafeHandle> _held = [];

    private LightGbmBooster(BoosterSafeHandle handle)
    {
        _handle = handle;
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumClasses(handle, out var classes), "LGBM_BoosterGetNumClasses");
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetNumFeature(handle, out var features), "LGBM_BoosterGetNumFeature");
        ClassCount = classes;
        FeatureCount = features;
    }

    /// <summary>LightGBM's <c>num_class</c>: the number of scores per row (1 for binary and regression).</summary>
    public int ClassCount { get; }

    public int FeatureCount { get; }

    /// <summary>Iterations grown (or loaded) so far.</summary>
    public int CurrentIteration
    {
        get
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetCurrentIteration(_handle, out var iteration), "LGBM_BoosterGetCurrentIteration");
            return iteration;
        }
    }

    /// <summary>A booster to train on <paramref name="train"/> with <paramref name="parameters"/> (<c>objective=binary num_leaves=31 ...</c>).</summary>
    public static LightGbmBooster Create(LightGbmDataset train, string parameters)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(parameters);
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreate(train.Handle, parameters, out var handle), "LGBM_BoosterCreate");
        var booster = Wrap(handle);
        booster.Hold(train.Handle);
        return booster;
    }

    /// <summary>Loads LightGBM's text model format (what <see cref="SaveToString"/> and <c>model.txt</c> hold).</summary>
    public static LightGbmBooster FromString(string modelText)
    {
        ArgumentNullException.ThrowIfNull(modelText);
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterLoadModelFromString(modelText, out _, out var handle), "LGBM_BoosterLoadModelFromString");
        return Wrap(handle);
    }

    /// <summary>Loads a model file written by any LightGBM (Python, R, the CLI) or by <see cref="SaveToString"/>.</summary>
    public static LightGbmBooster FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"LightGBM model file {path} not found.", path);
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreateFromModelfile(path, out _, out var handle), "LGBM_BoosterCreateFromModelfile");
        return Wrap(handle);
    }

    /// <summary>Adds a validation set (built with the training set as reference); its metrics come back from <see cref="Evaluate"/> with index 1, 2, ...</summary>
    public void AddValidation(LightGbmDataset validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterAddValidData(_handle, validation.Handle), "LGBM_BoosterAddValidData");
        Hold(validation.Handle);
    }

    /// <summary>Grows one iteration; true when its trees could not split (training has converged).</summary>
    public bool UpdateOneIteration()
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterUpdateOneIter(_handle, out var empty), "LGBM_BoosterUpdateOneIter");
        return empty != 0;
    }

    /// <summary>The current value of each metric on data set <paramref name="dataIndex"/> (0 training, 1 the first validation set).</summary>
    public double[] Evaluate(int dataIndex)
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetEvalCounts(_handle, out var count), "LGBM_BoosterGetEvalCounts");
        var results = new double[count];
        fixed (double* r = results)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterGetEval(_handle, dataIndex, out _, r), "LGBM_BoosterGetEval");
        return results;
    }

    /// <summary>LightGBM's text model format of the first <paramref name="iterations"/> iterations (all when &lt;= 0).</summary>
    public string SaveToString(int iterations = -1)
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterSaveModelToString(_handle, 0, iterations, 0, 0, out var length, null), "LGBM_BoosterSaveModelToString");
        var buffer = new byte[length];
        fixed (byte* b = buffer)
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterSaveModelToString(_handle, 0, iterations, 0, length, out length, b), "LGBM_BoosterSaveModelToString");
        // The length counts the terminating NUL.
        return Encoding.UTF8.GetString(buffer, 0, (int)Math.Max(0, length - 1));
    }

    /// <summary>
    /// Predicts <paramref name="rows"/> rows of <see cref="FeatureCount"/> row-major floats (NaN is missing). Returns, row after row,
    /// <see cref="ClassCount"/> values (normal, raw score) or <see cref="ClassCount"/> x (features + 1) contributions. <paramref name="numThreads"/>
    /// 0 predicts batches under 1,024 rows on one thread and larger ones on every core.
    /// </summary>
    public double[] Predict(ReadOnlySpan<float> values, int rows, LightGbmPrediction kind = LightGbmPrediction.Normal, int numThreads = 0)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"LightGBM predict: rows must be >= 0, got {rows}.");
        if ((long)rows * FeatureCount != values.Length)
            throw new ArgumentException(
                $"LightGBM predict: {rows} rows of {FeatureCount} features need {(long)rows * FeatureCount} values, got {values.Length}. The model was trained on {FeatureCount} features.",
                nameof(values));
        if (rows == 0) return [];
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterCalcNumPredict(_handle, rows, (int)kind, 0, -1, out var length), "LGBM_BoosterCalcNumPredict");
        var result = new double[length];
        // Explicit threads on every call (OpenMP keeps the last count): a small batch on one thread, where barriers cost more than they save.
        int threads = numThreads > 0 ? numThreads : rows < 1024 ? 1 : Environment.ProcessorCount;
        string parameter = $"num_threads={threads}";
        fixed (float* x = values)
        fixed (double* r = result)
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterPredictForMat(_handle, x, LightGbmNative.DTypeFloat32, rows, FeatureCount, 1, (int)kind, 0, -1,
                parameter, out var written, r), "LGBM_BoosterPredictForMat");
            if (written != length)
                throw new LightGbmException("LGBM_BoosterPredictForMat", $"wrote {written} values where LGBM_BoosterCalcNumPredict announced {length}.");
        }
        return result;
    }

    public void Dispose()
    {
        _handle.Dispose();
        foreach (var held in _held) held.DangerousRelease();
        _held.Clear();
    }

    private static LightGbmBooster Wrap(BoosterSafeHandle handle)
    {
        try
        {
            return new LightGbmBooster(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private void Hold(DatasetSafeHandle dataset)
    {
        bool added = false;
        dataset.DangerousAddRef(ref added);
        if (added) _held.Add(dataset);
    }
}
