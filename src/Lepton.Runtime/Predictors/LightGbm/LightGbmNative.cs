using System.Runtime.InteropServices;

namespace Lepton.Runtime.LightGbm;

/// <summary>The part of LightGBM's C API (c_api.h, LightGBM 4.7) that Lepton uses, bound with source-generated P/Invoke.</summary>
internal static unsafe partial class LightGbmNative
{
    // Resolved from the LightGBM NuGet package's runtimes/linux-x64/native/lib_lightgbm.so through deps.json.
    private const string Library = "lib_lightgbm";

    public const int DTypeFloat32 = 0;
    public const int DTypeFloat64 = 1;
    public const int DTypeInt32 = 2;

    public const int PredictNormal = 0;
    public const int PredictRawScore = 1;
    public const int PredictContrib = 3;

    [LibraryImport(Library)]
    public static partial nint LGBM_GetLastError();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_DatasetCreateFromMat(float* data, int dataType, int nrow, int ncol, int isRowMajor, string parameters,
        nint reference, out DatasetSafeHandle handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_DatasetSetField(DatasetSafeHandle handle, string fieldName, void* fieldData, int numElement, int type);

    [LibraryImport(Library)]
    public static partial int LGBM_DatasetSetFeatureNames(DatasetSafeHandle handle, nint* featureNames, int numFeatureNames);

    [LibraryImport(Library)]
    public static partial int LGBM_DatasetFree(nint handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterCreate(DatasetSafeHandle trainData, string parameters, out BoosterSafeHandle handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterCreateFromModelfile(string fileName, out int numIterations, out BoosterSafeHandle handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterLoadModelFromString(string modelText, out int numIterations, out BoosterSafeHandle handle);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterFree(nint handle);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterAddValidData(BoosterSafeHandle handle, DatasetSafeHandle validData);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterUpdateOneIter(BoosterSafeHandle handle, out int producedEmptyTree);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetCurrentIteration(BoosterSafeHandle handle, out int iteration);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetNumClasses(BoosterSafeHandle handle, out int classes);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetNumFeature(BoosterSafeHandle handle, out int features);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetEvalCounts(BoosterSafeHandle handle, out int count);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterGetEval(BoosterSafeHandle handle, int dataIndex, out int length, double* results);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterSaveModelToString(BoosterSafeHandle handle, int startIteration, int numIteration, int featureImportanceType,
        long bufferLength, out long outLength, byte* outText);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterCalcNumPredict(BoosterSafeHandle handle, int numRow, int predictType, int startIteration, int numIteration,
        out long length);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterPredictForMat(BoosterSafeHandle handle, float* data, int dataType, int nrow, int ncol, int isRowMajor,
        int predictType, int startIteration, int numIteration, string parameter, out long outLength, double* outResult);

    /// <summary>Throws a <see cref="LightGbmException"/> naming <paramref name="call"/> and LightGBM's last error when <paramref name="rc"/> is not 0.</summary>
    public static void Check(int rc, string call)
    {
        // LightGBM keeps the last error per thread; this runs on the thread that made the call.
        if (rc != 0) throw new LightGbmException(call, Marshal.PtrToStringUTF8(LGBM_GetLastError()) ?? "(no message)");
    }
}
