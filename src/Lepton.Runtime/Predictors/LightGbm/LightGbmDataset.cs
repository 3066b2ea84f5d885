using System.Runtime.InteropServices;
using Lepton.Data.Tables;

namespace Lepton.Runtime.LightGbm;

/// <summary>
/// A LightGBM training or validation data set (features binned by LightGBM, plus labels), built from a
/// <see cref="FeatureMatrix"/>. A validation set takes its training set as reference so both share the bins.
/// </summary>
public sealed unsafe class LightGbmDataset : IDisposable
{
    private LightGbmDataset(DatasetSafeHandle handle, int rows, int features)
    {
        Handle = handle;
        Rows = rows;
        Features = features;
    }

    public int Rows { get; }

    public int Features { get; }

    internal DatasetSafeHandle Handle { get; }

    /// <summary>
    /// Bins <paramref name="matrix"/> (NaN is missing) with <paramref name="parameters"/> (LightGBM's <c>key=value</c> text, e.g.
    /// <c>max_bin=255 categorical_feature=2</c>) and attaches <paramref name="labels"/> (class indices or targets, one per row) and,
    /// when given, <paramref name="weights"/> (one positive weight per row; LightGBM's <c>weight</c> field scales each row's gradient).
    /// </summary>
    public static LightGbmDataset Create(FeatureMatrix matrix, ReadOnlySpan<float> labels, string parameters, LightGbmDataset? reference = null,
        ReadOnlySpan<float> weights = default)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(parameters);
        if (labels.Length != matrix.Rows)
            throw new ArgumentException($"LightGBM data set: {matrix.Rows} rows need {matrix.Rows} labels, got {labels.Length}.", nameof(labels));
        if (!weights.IsEmpty && weights.Length != matrix.Rows)
            throw new ArgumentException($"LightGBM data set: {matrix.Rows} rows need {matrix.Rows} weights, got {weights.Length}.", nameof(weights));
        if (matrix.Rows == 0) throw new ArgumentException("LightGBM data set: the feature matrix has no rows; give at least one.", nameof(matrix));
        if (reference is not null && reference.Features != matrix.Columns)
            throw new ArgumentException($"LightGBM data set: the reference has {reference.Features} features but this matrix has {matrix.Columns}.", nameof(reference));
        DatasetSafeHandle handle;
        bool addedRef = false;
        try
        {
            reference?.Handle.DangerousAddRef(ref addedRef);
            nint referenceHandle = reference is null ? 0 : reference.Handle.DangerousGetHandle();
            fixed (float* data = matrix.Values)
            {
                LightGbmNative.Check(LightGbmNative.LGBM_DatasetCreateFromMat(data, LightGbmNative.DTypeFloat32, matrix.Rows, matrix.Columns, 1,
                    parameters, referenceHandle, out handle), "LGBM_DatasetCreateFromMat");
            }
        }
        finally
        {
            if (addedRef) reference!.Handle.DangerousRelease();
        }
        var dataset = new LightGbmDataset(handle, matrix.Rows, matrix.Columns);
        try
        {
            fixed (float* y = labels)
                LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(handle, "label", y, labels.Length, LightGbmNative.DTypeFloat32), "LGBM_DatasetSetField(label)");
            if (!weights.IsEmpty)
            {
                fixed (float* w = weights)
                    LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(handle, "weight", w, weights.Length, LightGbmNative.DTypeFloat32), "LGBM_DatasetSetField(weight)");
            }
            dataset.SetFeatureNames(LightGbmFeatureNames.Sanitize(matrix.FeatureNames));
        }
        catch
        {
            dataset.Dispose();
            throw;
        }
        return dataset;
    }

    public void Dispose() => Handle.Dispose();

    private void SetFeatureNames(IReadOnlyList<string> names)
    {
        var pointers = new nint[names.Count];
        try
        {
            for (int i = 0; i < names.Count; i++) pointers[i] = Marshal.StringToCoTaskMemUTF8(names[i]);
            fixed (nint* p = pointers)
                LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetFeatureNames(Handle, p, names.Count), "LGBM_DatasetSetFeatureNames");
        }
        finally
        {
            foreach (var p in pointers) if (p != 0) Marshal.FreeCoTaskMem(p);
        }
    }
}
